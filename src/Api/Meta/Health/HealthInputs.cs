using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Health;

/// <summary>Everything the health summary is computed from, gathered in one snapshot.</summary>
/// <param name="Replicas">The replica count R.</param>
/// <param name="Servers">Every data server.</param>
/// <param name="Inodes">Namespace totals.</param>
/// <param name="Copies">Committed chunks by number of valid copies, and replica state counts.</param>
/// <param name="ToRebuild">Replicas still to rebuild, per rebuilding server.</param>
/// <param name="Clients">Live client sessions.</param>
/// <param name="ReReplication">What re-replication can do for each down or crashed server.</param>
/// <param name="Now">When the summary is computed.</param>
internal sealed record HealthInputs(
    int Replicas,
    IReadOnlyList<ServerRecord> Servers,
    InodeTotals Inodes,
    CopyCounts Copies,
    IReadOnlyDictionary<int, long> ToRebuild,
    IReadOnlyList<ClientSession> Clients,
    Func<ServerRecord, ReReplicationOutlook> ReReplication,
    DateTimeOffset Now);

/// <summary>What re-replication will do (or did find) for a down or crashed server.</summary>
/// <param name="Enabled">Whether re-replication is on.</param>
/// <param name="DueAt">When the server's replicas start to move.</param>
/// <param name="Counts">What the last pass found, once the server is due; null before.</param>
internal sealed record ReReplicationOutlook(bool Enabled, DateTimeOffset DueAt, ReplicaMoveCounts? Counts);
