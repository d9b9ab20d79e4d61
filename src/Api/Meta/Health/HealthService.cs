using ReplicaFs.Api.Meta.Clients;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Healing;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Health;

/// <summary>
/// The health summary: one read snapshot of a few aggregate queries (no query per chunk), the live client sessions
/// and the last re-replication findings, judged by <see cref="HealthAssessment"/>.
/// </summary>
internal sealed class HealthService(
    IMetaDatabase database,
    ActiveClusterSettings cluster,
    ClientSessionRegistry clients,
    ReReplicationPlanner reReplication,
    ReReplicationStatus reReplicationStatus,
    TimeProvider clock)
{
    /// <summary>Computes the summary now.</summary>
    public async Task<ClusterHealth> GetAsync(CancellationToken cancellationToken)
    {
        var sessions = await clients.ListAsync(cancellationToken);
        var (servers, inodes, copies, toRebuild) = await database.ReadAsync(tx =>
        {
            var servers = tx.Cluster.ListServers();
            var toRebuild = servers.Where(s => s.State == ServerState.Rebuilding).ToDictionary(s => s.Id, s => tx.Chunks.CountReplicasToRebuild(s.Id));
            return (servers, tx.Health.CountInodes(), tx.Health.CountCopies(), toRebuild);
        }, cancellationToken);

        return HealthAssessment.Assess(new HealthInputs(
            cluster.Replicas,
            servers,
            inodes,
            copies,
            toRebuild,
            sessions,
            server => new ReReplicationOutlook(reReplication.Enabled, reReplication.DueAt(server), reReplicationStatus.Of(server.Id)),
            clock.GetUtcNow()));
    }
}
