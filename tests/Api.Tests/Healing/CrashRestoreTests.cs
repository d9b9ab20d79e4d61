using System.Net;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>The crash and restore faults through their endpoints, seen from the whole cluster.</summary>
[Collection(HealingClusters.Name)]
public sealed class CrashRestoreTests
{
    [Fact]
    public async Task A_crashed_server_is_crashed_at_meta_answers_503_and_rebuilds_after_the_restore()
    {
        await using var healing = await HealingCluster.StartAsync();
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("crash", chunks: 5, seed: 3);
            var serverId = await healing.Cluster.ServerIdAsync(0, ct);
            var before = await healing.Cluster.DataApi(0).GetStatusAsync(ct);

            var crashed = await healing.Cluster.FaultsApi(0).CrashAsync(ct);
            Assert.True(crashed.Crashed);
            Assert.Equal(0, crashed.Stats.ChunkCount);

            // Meta hears it in the next heartbeat: the server is Crashed and its replicas are Missing.
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.Meta.GetServerAsync(serverId, ct)).State == ServerState.Crashed,
                HealingCluster.Timeout, "meta to mark data-1 crashed", ct);
            Assert.All(await healing.ChunksAsync(ino), c => Assert.Equal(ReplicaState.Missing, c.Replicas.Single(r => r.ServerId == serverId).State));
            await healing.WaitForEventAsync(EventKinds.ServerCrashed, e => e.ServerId == serverId, "server.crashed");
            var key = ChunkKey.FromId((await healing.ChunksAsync(ino))[0].ChunkId);
            using (var refused = await healing.Cluster.DataApi(0).GetChunkAsync(key, cancellationToken: ct))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            // Still crashed after a few heartbeats: nothing comes back by itself.
            await Task.Delay(healing.Cluster.Options.HeartbeatInterval * 5, ct);
            Assert.Equal(ServerState.Crashed, (await healing.Meta.GetServerAsync(serverId, ct)).State);

            var restored = await healing.Cluster.FaultsApi(0).RestoreAsync(ct);
            Assert.False(restored.Crashed);
            Assert.NotEqual(before.InstanceId, restored.InstanceId);

            await healing.WaitUntilHealedAsync("data-1 to rebuild after the restore", ino);
            Assert.Equal(restored.InstanceId, (await healing.Meta.GetServerAsync(serverId, ct)).InstanceId);
            Assert.Equal(5, (await healing.StoredAsync(0)).Count);
            await healing.AssertEveryReplicaVerifiesAsync(ino);
            await healing.WaitForEventAsync(EventKinds.RebuildFinished, e => e.Source == "data-1" && e.Message.Contains("5 copied", StringComparison.Ordinal), "data-1's rebuild.finished");
            Assert.Equal(5, (await healing.Cluster.DataApi(0).GetStatusAsync(ct)).Activity!.RepairsDone);
        });
    }
}
