using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>A data server that missed writes catches up; one that lost its disk rebuilds from its peers, throttled.</summary>
[Collection(HealingClusters.Name)]
public sealed class CatchUpAndRebuildTests
{
    [Fact]
    public async Task A_server_killed_and_restarted_with_its_data_catches_up_exactly_the_versions_it_missed()
    {
        await using var healing = await HealingCluster.StartAsync();
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("catch-up", chunks: 4, seed: 1);
            var serverId = await healing.Cluster.ServerIdAsync(2, ct);
            var before = await healing.StoredAsync(2);
            Assert.Equal(4, before.Count);

            // data-3 dies; chunks 0 and 1 get new versions without it (it is recorded stale).
            await healing.Cluster.KillDataServerAsync(2);
            var rewritten = new List<ChunkInfo>();
            foreach (var index in new[] { 0, 1 })
            {
                var chunk = await healing.WriteChunkAsync(ino, index, HealingCluster.Bytes(healing.Cluster.Options.ChunkSize, 100 + index));
                Assert.Equal(ReplicaState.Stale, chunk.Replicas.Single(r => r.ServerId == serverId).State);
                rewritten.Add(chunk);
            }

            await healing.Cluster.StartDataServerAsync(2, cancellationToken: ct);
            await healing.WaitUntilHealedAsync("data-3 to catch up", ino);

            // It fetched exactly the two versions it missed, nothing else.
            var status = await healing.Cluster.DataApi(2).GetStatusAsync(ct);
            Assert.Equal(2, status.Activity!.RepairsDone);
            var finished = await healing.WaitForEventAsync(EventKinds.RebuildFinished, e => e.Source == "data-3", "data-3's rebuild.finished event");
            Assert.Contains("2 copied and verified", finished.Message, StringComparison.Ordinal);
            var repaired = (await healing.EventsAsync(EventKinds.RepairFinished)).Where(e => e.ServerId == serverId).ToList();
            Assert.Equal(rewritten.Select(c => c.ChunkId).Order(), repaired.Select(e => e.ChunkId!.Value).Order());
            Assert.All(repaired, e => Assert.Contains("catch-up", e.Message, StringComparison.Ordinal));

            // What it stores ends as exactly the committed versions: the two new ones pulled, the superseded ones collected.
            var committed = await healing.CommittedOnAsync(serverId, ino);
            Assert.Superset(before.Where(b => rewritten.All(c => ChunkKey.FromId(c.ChunkId) != b.Key)).ToHashSet(), committed);
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.StoredAsync(2)).SetEquals(committed),
                HealingCluster.Timeout, "data-3 to hold exactly the committed versions", ct);
            await healing.AssertEveryReplicaVerifiesAsync(ino);
        });
    }

    [Fact]
    public async Task A_server_restarted_with_an_empty_disk_rebuilds_everything_from_its_peers_at_the_rebuild_rate()
    {
        // 32 chunks of 256 KiB = 8 MiB at 1 MB/s with a 1 MB burst: at least 7.39 s, long enough for a progress event.
        await using var healing = await HealingCluster.StartAsync(dataArguments: ["--rebuild-rate", "1"]);
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("rebuild", chunks: 32, seed: 2);
            var serverId = await healing.Cluster.ServerIdAsync(1, ct);
            var instance = (await healing.Cluster.DataApi(1).GetStatusAsync(ct)).InstanceId;

            await healing.Cluster.KillDataServerAsync(1);
            await healing.Cluster.StartDataServerAsync(1, empty: true, cancellationToken: ct);
            var restarted = await healing.Cluster.DataApi(1).GetStatusAsync(ct);
            Assert.NotEqual(instance, restarted.InstanceId);

            // While it rebuilds it is Rebuilding at meta and serves what it has.
            await healing.WaitUntilHealedAsync("data-2 to rebuild", ino);

            var rebuild = (await healing.Cluster.DataApi(1).GetStatusAsync(ct)).Activity!.Rebuild!;
            Assert.False(rebuild.Active);
            Assert.Equal(32, rebuild.ChunksDone);
            Assert.Equal(32, rebuild.ChunksTotal);
            Assert.Equal(32L * healing.Cluster.Options.ChunkSize, rebuild.BytesDone);
            Assert.Equal(32L * healing.Cluster.Options.ChunkSize, rebuild.BytesTotal);
            Assert.Equal(0, rebuild.Failed);
            var seconds = (rebuild.FinishedAt!.Value - rebuild.StartedAt).TotalSeconds;
            Assert.True(seconds >= 7.2, $"8 MiB were rebuilt in {seconds:0.00} s, faster than 1 MB/s allows");

            Assert.Equal(32, (await healing.StoredAsync(1)).Count);
            await healing.AssertEveryReplicaVerifiesAsync(ino);
            Assert.Equal(ServerState.Up, (await healing.Meta.GetServerAsync(serverId, ct)).State);
            var started = Assert.Single(await healing.EventsAsync(EventKinds.RebuildStarted), e => e.Source == "data-2");
            Assert.Contains("32 replica(s)", started.Message, StringComparison.Ordinal);
            var progress = (await healing.EventsAsync(EventKinds.RebuildProgress)).Where(e => e.Source == "data-2").ToList();
            Assert.InRange(progress.Count, 1, (int)(seconds / 5) + 1);
            Assert.Contains("of 32 replica(s)", progress[0].Message, StringComparison.Ordinal);
            await healing.WaitForEventAsync(EventKinds.RebuildFinished, e => e.Source == "data-2" && e.Message.Contains("32 copied", StringComparison.Ordinal), "rebuild.finished");
            await healing.WaitForEventAsync(EventKinds.ServerCameBackEmpty, e => e.ServerId == serverId, "server.empty");
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.Meta.GetHealthAsync(ct)).Status == HealthStatus.Healthy,
                HealingCluster.Timeout, "the cluster to be healthy", ct);
        });
    }

    [Fact]
    public async Task A_source_whose_bytes_do_not_verify_is_skipped_for_the_next_one_and_counted()
    {
        await using var healing = await HealingCluster.StartAsync();
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("bad-source", chunks: 4, seed: 10);

            // data-1's copies rot behind meta's back; sources rotate per chunk, so data-1 is offered first for some chunks.
            foreach (var chunk in await healing.ChunksAsync(ino))
            {
                await healing.Cluster.CorruptAsync(0, ChunkKey.FromId(chunk.ChunkId), chunk.Version, ct);
            }

            await healing.Cluster.KillDataServerAsync(2);
            await healing.Cluster.StartDataServerAsync(2, empty: true, cancellationToken: ct);
            var serverId = await healing.Cluster.ServerIdAsync(2, ct);
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.ChunksAsync(ino)).All(c => c.Replicas.Single(r => r.ServerId == serverId).State == ReplicaState.Ok),
                HealingCluster.Timeout, "data-3 to rebuild", ct);

            foreach (var chunk in await healing.ChunksAsync(ino))
            {
                var digest = await healing.Cluster.DataApi(2).GetDigestAsync(ChunkKey.FromId(chunk.ChunkId), chunk.Version, ct);
                Assert.Equal(chunk.Checksum, digest.Checksum);
                Assert.True(digest.Intact);
            }

            var rebuild = (await healing.Cluster.DataApi(2).GetStatusAsync(ct)).Activity!.Rebuild!;
            Assert.Equal(4, rebuild.ChunksDone);
            Assert.Equal(0, rebuild.Failed);
            var finished = await healing.WaitForEventAsync(EventKinds.RebuildFinished, e => e.Source == "data-3", "data-3's rebuild.finished");
            Assert.Equal(EventSeverity.Warning, finished.Severity);
            Assert.DoesNotContain(" 0 source(s) sent bytes that did not verify", finished.Message, StringComparison.Ordinal);
            var metrics = await healing.Cluster.Http.GetStringAsync(new Uri(healing.Cluster.DataServers[2].Url, "/metrics"), ct);
            var bad = metrics.Split('\n').Single(l => l.StartsWith("replicafs_data_rebuild_bad_sources_total ", StringComparison.Ordinal));
            Assert.InRange(double.Parse(bad.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), 1, 4);
        });
    }
}
