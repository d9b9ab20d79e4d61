using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Status;

/// <summary>What <c>status</c> shows: the metadata server's health summary, its data servers and the cluster settings.</summary>
/// <param name="Meta">The metadata server asked.</param>
/// <param name="Status">Healthy, degraded or unavailable (unavailable when the metadata server did not answer).</param>
/// <param name="Reasons">Why, as the metadata server words it (or why it could not be asked).</param>
/// <param name="Config">The cluster settings; null when the metadata server did not answer.</param>
/// <param name="Health">The health summary; null when the metadata server did not answer.</param>
/// <param name="Servers">The data servers, by id.</param>
internal sealed record StatusSnapshot(
    Uri Meta,
    HealthStatus Status,
    IReadOnlyList<string> Reasons,
    ClusterConfig? Config,
    ClusterHealth? Health,
    IReadOnlyList<DataServerInfo> Servers)
{
    /// <summary>The exit code for this status: 0 healthy, 1 degraded, 2 unavailable.</summary>
    public int ExitCode => Status switch
    {
        HealthStatus.Healthy => ExitCodes.Ok,
        HealthStatus.Degraded => ExitCodes.Degraded,
        _ => ExitCodes.Unavailable,
    };
}
