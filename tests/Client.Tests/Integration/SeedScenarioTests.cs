using System.Text;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>
/// The seed's behaviours through this library on a real cluster: 4 data servers, R = 4, Qr = 3, Qw = 3.
/// Each test starts its own cluster because it breaks servers.
/// </summary>
[Collection(IntegrationGroup.Name)]
public sealed class SeedScenarioTests
{
    [Fact]
    public async Task Seed_step_4_a_corrupted_replica_is_outvoted_repaired_and_logged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClusterClient.Seed(), ct);
        await using var client = await ClusterClient.ConnectAsync(cluster);
        Assert.Equal((3, 3, 4), (client.Quorum.ReadQuorum, client.Quorum.WriteQuorum, client.Quorum.Replicas));
        Assert.True(client.Quorum.IsStronglyConsistent);

        await client.MakeDirectoryAsync("/a", cancellationToken: ct);
        var file = await client.CreateFileAsync("/a/you.txt", cancellationToken: ct);
        var text = Encoding.UTF8.GetBytes("you are reading the seed's file through a quorum of replicas\n");
        await client.WriteAsync(file.Ino, 0, text, ct);
        var chunk = (await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks.Single();
        Assert.Equal(4, chunk.Replicas.Count);

        // All four stored it (a replica slower than the commit grace is reported Ok right after the commit).
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetChunkAsync(chunk.ChunkId, ct)).Replicas.All(r => r.State == ReplicaState.Ok),
            TimeSpan.FromSeconds(10),
            "every replica of the chunk to be ok",
            ct);

        var key = ChunkKey.FromId(chunk.ChunkId);
        var victim = await cluster.IndexOfServerAsync(chunk.Replicas[1].ServerId, ct);
        var victimId = chunk.Replicas[1].ServerId;
        await cluster.CorruptAsync(victim, key, chunk.Version, ct);
        Assert.False((await cluster.DataApi(victim).GetDigestAsync(key, chunk.Version, ct)).Intact);

        // A fresh client reads it: right bytes, no error.
        await using var reader = await ClusterClient.ConnectAsync(cluster);
        var resolved = await reader.ResolveAsync("/a/you.txt", ct);
        var buffer = new byte[text.Length + 10];
        Assert.Equal(text.Length, await reader.ReadAsync(resolved.Ino, 0, buffer, ct));
        Assert.Equal(text, buffer[..text.Length]);

        // The corrupted replica repaired itself from a good one, and the log says so.
        Assert.True(await reader.WaitForRepairsAsync(TimeSpan.FromSeconds(30), ct));
        var digest = await cluster.DataApi(victim).GetDigestAsync(key, chunk.Version, ct);
        Assert.True(digest.Intact);
        Assert.Equal(chunk.Checksum, digest.Checksum);
        var replica = (await cluster.MetaApi.GetChunkAsync(chunk.ChunkId, ct)).Replicas.Single(r => r.ServerId == victimId);
        Assert.Equal((ReplicaState.Ok, chunk.Version), (replica.State, replica.Version));

        var events = await ClusterClient.EventsAsync(cluster);
        var corrupt = Assert.Single(events, e => e.Kind == EventKinds.ReplicaCorrupt && e.ChunkId == chunk.ChunkId);
        Assert.Equal((victimId, reader.Name), (corrupt.ServerId, corrupt.Source));
        // (A replica that acknowledged the write after its commit also gets a repair.finished, from its late report.)
        var repaired = Assert.Single(events, e => e.Kind == EventKinds.RepairFinished && e.ChunkId == chunk.ChunkId && e.Message.Contains("read repair", StringComparison.Ordinal));
        Assert.Equal((victimId, reader.Name, "/a/you.txt"), (repaired.ServerId, repaired.Source, repaired.Path));
    }

    [Fact]
    public async Task Two_corrupted_replicas_with_Qr_3_of_4_fail_with_EIO_and_an_explanatory_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClusterClient.Seed(), ct);
        await using var client = await ClusterClient.ConnectAsync(cluster);
        var file = await client.CreateFileAsync("/two.bin", cancellationToken: ct);
        var data = ClusterClient.Bytes(100_000, 1);
        await client.WriteAsync(file.Ino, 0, data, ct);
        var chunk = (await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks.Single();
        var key = ChunkKey.FromId(chunk.ChunkId);
        var bad = new[] { chunk.Replicas[0].ServerId, chunk.Replicas[2].ServerId };
        foreach (var serverId in bad)
        {
            await cluster.CorruptAsync(await cluster.IndexOfServerAsync(serverId, ct), key, chunk.Version, ct);
        }

        await using var reader = await ClusterClient.ConnectAsync(cluster);
        var error = await Assert.ThrowsAsync<QuorumException>(() => reader.ReadAsync(file.Ino, 0, new byte[100_000], ct));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal((2, 3), (error.Achieved, error.Required));
        Assert.Equal(bad.Order(), error.Replicas.Where(r => r.Verdict == ReplicaVerdict.Corrupt).Select(r => r.ServerId).Order());
        var failed = Assert.Single(await ClusterClient.EventsAsync(cluster, EventKinds.ReadQuorumFailed));
        Assert.Equal((EventSeverity.Error, chunk.ChunkId, reader.Name), (failed.Severity, failed.ChunkId, failed.Source));
        foreach (var replica in chunk.Replicas)
        {
            var verdict = bad.Contains(replica.ServerId) ? "corrupt" : "ok";
            Assert.Contains($"server {replica.ServerId} ({replica.Url}): {verdict}", failed.Message, StringComparison.Ordinal);
        }

        // The two good replicas agree with the committed checksum, so the bad ones are repaired from them,
        // and the next read succeeds.
        Assert.True(await reader.WaitForRepairsAsync(TimeSpan.FromSeconds(30), ct));
        var again = new byte[100_000];
        Assert.Equal(100_000, await reader.ReadAsync(file.Ino, 0, again, ct));
        Assert.Equal(data, again);
    }
}

[CollectionDefinition(Name)]
public sealed class IntegrationGroup
{
    /// <summary>Integration tests start real server processes: one at a time.</summary>
    public const string Name = "client integration";
}
