namespace ReplicaFs.Web.Supervision;

/// <summary>The local cluster's processes as the dashboard sees and controls them.</summary>
public interface ISupervisedProcesses
{
    /// <summary>Where start-up is.</summary>
    SupervisorPhase Phase { get; }

    /// <summary>Why start-up failed, when it did.</summary>
    string? FailureReason { get; }

    /// <summary>Every process of the cluster (meta, data-N, mount).</summary>
    IReadOnlyList<SupervisedProcessInfo> Processes { get; }

    /// <summary>Raised when a process changes state.</summary>
    event Action? Changed;

    /// <summary>SIGKILL a data server; it stays down until restored.</summary>
    /// <exception cref="SupervisorActionException">Unknown name, not a data server, or not running.</exception>
    Task<ProcessActionResult> KillAsync(string name, CancellationToken cancellationToken);

    /// <summary>Starts a killed or exited data server again on its port with an empty data directory, so that it rebuilds from its peers.</summary>
    /// <exception cref="SupervisorActionException">Unknown name, not a data server, still running, or it did not come up.</exception>
    Task<ProcessActionResult> RestoreAsync(string name, CancellationToken cancellationToken);
}

/// <summary>Where the supervisor is.</summary>
public enum SupervisorPhase
{
    /// <summary>Starting the processes.</summary>
    Starting,

    /// <summary>Every process is ready.</summary>
    Ready,

    /// <summary>Start-up failed; the processes are being stopped.</summary>
    Failed,

    /// <summary>Stopping the cluster.</summary>
    Stopping,
}
