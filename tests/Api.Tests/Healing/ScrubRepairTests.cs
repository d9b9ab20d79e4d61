using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>The scrubber finds damage on disk that no reader has seen yet, and the replica is repaired from a peer.</summary>
[Collection(HealingClusters.Name)]
public sealed class ScrubRepairTests
{
    [Fact]
    public async Task A_scrub_finds_an_on_disk_corruption_reports_it_and_the_replica_is_repaired_from_a_peer()
    {
        await using var healing = await HealingCluster.StartAsync();
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("scrub", chunks: 3, seed: 4);
            var serverId = await healing.Cluster.ServerIdAsync(1, ct);
            var victim = (await healing.ChunksAsync(ino))[1];
            var key = ChunkKey.FromId(victim.ChunkId);
            await healing.Cluster.CorruptAsync(1, key, victim.Version, ct);
            Assert.False((await healing.Cluster.DataApi(1).GetDigestAsync(key, victim.Version, ct)).Intact);

            var scrub = await healing.AdminApi(1).StartScrubAsync(ct);
            Assert.Equal(3, scrub.ChunksTotal);

            var finding = await healing.WaitForEventAsync(EventKinds.ScrubFinding, e => e.Source == "data-2", "data-2's scrub.finding");
            Assert.Equal(victim.ChunkId, finding.ChunkId);
            Assert.Contains($"version {victim.Version}", finding.Message, StringComparison.Ordinal);
            var corrupt = await healing.WaitForEventAsync(EventKinds.ReplicaCorrupt, e => e.ServerId == serverId, "replica.corrupt");
            Assert.Equal(victim.ChunkId, corrupt.ChunkId);
            var repaired = await healing.WaitForEventAsync(
                EventKinds.RepairFinished, e => e.ServerId == serverId && e.ChunkId == victim.ChunkId, "repair.finished");
            Assert.Contains("repair after scrub", repaired.Message, StringComparison.Ordinal);
            Assert.Equal("data-2", repaired.Source);

            await healing.WaitUntilHealedAsync("the corrupt replica to be repaired", ino);
            Assert.True((await healing.Cluster.DataApi(1).GetDigestAsync(key, victim.Version, ct)).Intact);
            await healing.AssertEveryReplicaVerifiesAsync(ino);

            var finished = await healing.WaitForEventAsync(EventKinds.ScrubFinished, e => e.Source == "data-2", "scrub.finished");
            Assert.Contains("3 of 3 chunk version(s)", finished.Message, StringComparison.Ordinal);
            Assert.Contains("1 corrupt", finished.Message, StringComparison.Ordinal);
            var activity = (await healing.Cluster.DataApi(1).GetStatusAsync(ct)).Activity!;
            Assert.Equal(1, activity.Scrub!.CorruptFound);
            Assert.Equal(1, activity.RepairsDone);
            Assert.Equal(ServerState.Up, (await healing.Meta.GetServerAsync(serverId, ct)).State);
        });
    }
}
