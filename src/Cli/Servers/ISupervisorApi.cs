using Refit;

namespace ReplicaFs.Cli.Servers;

/// <summary>
/// The REST API of the dashboard's supervisor of a local cluster (<c>./replicafs up</c>; see docs/dashboard.md): its
/// processes, SIGKILL of a data server, and its restart with an empty data directory. Loopback only, admin token.
/// </summary>
[Headers("Authorization: Bearer")]
internal interface ISupervisorApi
{
    /// <summary>Every process of the local cluster.</summary>
    [Get("/api/supervisor/processes")]
    Task<IReadOnlyList<SupervisedProcess>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>SIGKILL a data server; it stays down until restored.</summary>
    [Post("/api/supervisor/processes/{name}/kill")]
    Task<SupervisorActionResult> KillAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Starts a killed or exited data server again with an empty data directory.</summary>
    [Post("/api/supervisor/processes/{name}/restore")]
    Task<SupervisorActionResult> RestoreAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>A supervised process as the supervisor reports it.</summary>
/// <param name="Name">"meta", "data-N" or "mount".</param>
/// <param name="State">NotStarted, Starting, Running, Stopping, Stopped, Killed, Exited or Unavailable.</param>
/// <param name="Pid">Its (last) process id.</param>
/// <param name="Detail">A sentence about its state.</param>
internal sealed record SupervisedProcess(string Name, string State, int? Pid, string? Detail)
{
    /// <summary>Whether it runs (starting, running or stopping).</summary>
    public bool IsAlive => State is "Starting" or "Running" or "Stopping";
}

/// <summary>The outcome of a kill or restore.</summary>
/// <param name="Message">What was done.</param>
/// <param name="Process">The process afterwards.</param>
internal sealed record SupervisorActionResult(string Message, SupervisedProcess Process);
