namespace ReplicaFs.Web.Supervision;

/// <summary>A process of the local cluster, as the supervisor API and the dashboard show it.</summary>
/// <param name="Name">"meta", "data-N" or "mount".</param>
/// <param name="Kind">Meta, data server or mount.</param>
/// <param name="Url">The server's base URL; for the mount, a file: URL of the mount point.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Pid">Its process id (the last one, when it is no longer running).</param>
/// <param name="ExitCode">Its exit code once it exited (137 after SIGKILL).</param>
/// <param name="StartedAt">When it was last started.</param>
/// <param name="ExitedAt">When it last exited.</param>
/// <param name="Detail">A sentence about its state (why it exited, why it is unavailable, ...).</param>
public sealed record SupervisedProcessInfo(
    string Name,
    ProcessKind Kind,
    string Url,
    ProcessState State,
    int? Pid,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? ExitedAt,
    string? Detail)
{
    /// <summary>Whether the process is alive (starting, running or stopping).</summary>
    public bool IsAlive => State is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping;
}

/// <summary>The outcome of a kill or restore.</summary>
/// <param name="Message">What was done, for humans.</param>
/// <param name="Process">The process afterwards.</param>
public sealed record ProcessActionResult(string Message, SupervisedProcessInfo Process);
