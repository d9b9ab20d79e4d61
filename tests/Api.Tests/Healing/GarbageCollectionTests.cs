using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>Data servers delete what no file needs any more, including a server that was down when it stopped being needed.</summary>
[Collection(HealingClusters.Name)]
public sealed class GarbageCollectionTests
{
    [Fact]
    public async Task Superseded_versions_and_chunks_of_deleted_and_truncated_files_are_collected_on_every_server()
    {
        await using var healing = await HealingCluster.StartAsync();
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var chunkSize = healing.Cluster.Options.ChunkSize;
            var (kept, _) = await healing.WriteFileAsync("kept", chunks: 2, seed: 5);
            var (deleted, _) = await healing.WriteFileAsync("deleted", chunks: 2, seed: 6);
            var (truncated, _) = await healing.WriteFileAsync("truncated", chunks: 3, seed: 7);

            // A new version of kept's chunk 0 supersedes the old one on every server.
            await healing.WriteChunkAsync(kept, 0, HealingCluster.Bytes(chunkSize, 55));
            await healing.Cluster.WaitUntilAsync(
                async () =>
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var expected = await healing.CommittedOnAsync(await healing.Cluster.ServerIdAsync(i, ct), kept, deleted, truncated);
                        if (!(await healing.StoredAsync(i)).SetEquals(expected))
                        {
                            return false;
                        }
                    }

                    return true;
                },
                HealingCluster.Timeout, "the superseded version to be collected everywhere", ct);

            // data-3 is down when a file is deleted and another truncated to one chunk.
            await healing.Cluster.KillDataServerAsync(2);
            var deletedKeys = (await healing.ChunksAsync(deleted)).Select(c => ChunkKey.FromId(c.ChunkId)).ToList();
            var truncatedAway = (await healing.ChunksAsync(truncated)).Skip(1).Select(c => ChunkKey.FromId(c.ChunkId)).ToList();
            await healing.Meta.UnlinkAsync(1, "deleted", cancellationToken: ct);
            await healing.Meta.SetAttributesAsync(truncated, new SetAttributesRequest(Size: 1000), ct);

            for (var i = 0; i < 2; i++)
            {
                var index = i;
                var expected = await healing.CommittedOnAsync(await healing.Cluster.ServerIdAsync(index, ct), kept, truncated);
                await healing.Cluster.WaitUntilAsync(
                    async () => (await healing.StoredAsync(index)).SetEquals(expected),
                    HealingCluster.Timeout, $"data-{index + 1} to collect the deleted and truncated chunks", ct);
            }

            // Back with its data: it still holds them, and collects them too.
            await healing.Cluster.StartDataServerAsync(2, cancellationToken: ct);
            var third = await healing.CommittedOnAsync(await healing.Cluster.ServerIdAsync(2, ct), kept, truncated);
            await healing.Cluster.WaitUntilAsync(
                async () => (await healing.StoredAsync(2)).SetEquals(third),
                HealingCluster.Timeout, "data-3 to collect what was deleted while it was down", ct);
            Assert.DoesNotContain(await healing.StoredAsync(2), s => deletedKeys.Contains(s.Key) || truncatedAway.Contains(s.Key));

            // The server posts its event after deleting the files, so the event may trail the stored set by a moment.
            var collected = new List<ClusterEvent>();
            await healing.Cluster.WaitUntilAsync(
                async () =>
                {
                    collected = (await healing.EventsAsync(EventKinds.GarbageCollected)).Where(e => e.Source == "data-3").ToList();
                    return collected.Count >= 2 && collected.Any(e => e.Message.Contains("deleted 4 chunk version(s)", StringComparison.Ordinal));
                },
                HealingCluster.Timeout, "data-3 to post gc.collected for the superseded version and for the deleted chunks", ct);
            Assert.True(collected.Count >= 2, "data-3 posted gc.collected for the superseded version and for the deleted chunks");
            Assert.Contains(collected, e => e.Message.Contains("deleted 4 chunk version(s)", StringComparison.Ordinal));
            await healing.AssertEveryReplicaVerifiesAsync(kept, truncated);
        });
    }

    [Fact]
    public async Task An_on_demand_collection_deletes_at_once_and_answers_with_the_status_after_it()
    {
        await using var healing = await HealingCluster.StartAsync(dataArguments: ["--gc-interval-ms", "3600000"]);
        await healing.RunAsync(async () =>
        {
            var ct = TestContext.Current.CancellationToken;
            var (ino, _) = await healing.WriteFileAsync("gone", chunks: 3, seed: 8);
            Assert.Equal(3, (await healing.Cluster.DataApi(0).GetStatusAsync(ct)).Stats.ChunkCount);
            await healing.Meta.UnlinkAsync(1, "gone", cancellationToken: ct);

            var status = await healing.AdminApi(0).StartGarbageCollectionAsync(ct);

            Assert.Equal(0, status.Stats.ChunkCount);
            Assert.Empty(await healing.StoredAsync(0));
            Assert.Equal(3, (await healing.StoredAsync(1)).Count);
            Assert.NotEqual(0, ino);
        });
    }
}
