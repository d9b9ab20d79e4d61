namespace ReplicaFs.Web.Cluster;

/// <summary>What a data server card shows as its state, combining the metadata server's view and the local process.</summary>
public enum ServerStatus
{
    /// <summary>Heartbeating and serving.</summary>
    Up,

    /// <summary>Back, serving what it has, copying the rest from its peers.</summary>
    Rebuilding,

    /// <summary>Silent past the heartbeat timeout.</summary>
    Down,

    /// <summary>In the injected crashed state (fault endpoint), answering 503 until restored.</summary>
    Crashed,

    /// <summary>The local process was killed with SIGKILL on request.</summary>
    Killed,

    /// <summary>The local process exited on its own.</summary>
    Exited,

    /// <summary>The local process is starting or has not registered yet.</summary>
    Starting,

    /// <summary>Not known to the metadata server (yet).</summary>
    Unknown,
}
