using System.Text.Json.Serialization;

namespace ReplicaFs.Web.Supervision;

/// <summary>Where a supervised process is in its life.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcessState>))]
public enum ProcessState
{
    /// <summary>Not started (yet, or because it is not part of this run).</summary>
    NotStarted,

    /// <summary>Started, not ready yet (health, registration or mount pending).</summary>
    Starting,

    /// <summary>Running and ready.</summary>
    Running,

    /// <summary>SIGTERM sent, waiting for it to exit.</summary>
    Stopping,

    /// <summary>Stopped by the supervisor (cluster shutdown).</summary>
    Stopped,

    /// <summary>Killed with SIGKILL on request (dashboard or <c>./replicafs kill</c>); stays dead until restored.</summary>
    Killed,

    /// <summary>Exited on its own; not restarted.</summary>
    Exited,

    /// <summary>Configured but cannot run with this build (e.g. a mount while the FUSE client has no mount command).</summary>
    Unavailable,
}
