using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>After a long outage the replicas of a dead server move to another server, which pulls and verifies them.</summary>
[Collection(HealingClusters.Name)]
public sealed class ReReplicationTests
{
    [Fact]
    public async Task Replicas_of_a_server_down_too_long_are_pulled_by_their_new_server_and_collected_on_the_old_one()
    {
        await using var healing = await HealingCluster.StartAsync(dataServers: 4, replicas: 3, metaArguments: ["--rereplicate-after-seconds", "3"]);
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("moved", chunks: 8, seed: 9);
            var deadId = await healing.Cluster.ServerIdAsync(0, ct);
            var onDead = (await healing.ChunksAsync(ino)).Where(c => c.Replicas.Any(r => r.ServerId == deadId)).ToList();
            Assert.NotEmpty(onDead);

            await healing.Cluster.KillDataServerAsync(0);

            // Meta moves them off the dead server; the servers that receive them pull and verify them.
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.ChunksAsync(ino)).All(c =>
                    c.Replicas.Count == 3 && c.Replicas.All(r => r.ServerId != deadId && r.State == ReplicaState.Ok && r.Version == c.Version)),
                HealingCluster.Timeout, "every chunk to have three Ok replicas on live servers", ct);
            await healing.AssertEveryReplicaVerifiesAsync(ino);
            await healing.WaitForEventAsync(EventKinds.ReReplicated, e => true, "replica.re-replicated");
            var pulled = 0L;
            for (var i = 1; i < 4; i++)
            {
                pulled += (await healing.Cluster.DataApi(i).GetStatusAsync(ct)).Activity!.RepairsDone;
            }

            Assert.Equal(onDead.Count, pulled);

            // The old server comes back with its copies, which are garbage now.
            await healing.Cluster.StartDataServerAsync(0, cancellationToken: ct);
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.StoredAsync(0)).Count == 0,
                HealingCluster.Timeout, "data-1 to collect the replicas moved away", ct);
            Assert.Equal(ServerState.Up, (await healing.Meta.GetServerAsync(deadId, ct)).State);
        });
    }
}
