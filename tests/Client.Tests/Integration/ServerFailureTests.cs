using System.Diagnostics;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>Data servers dying or hanging under writes and reads, on a real seed-shaped cluster (R = 4, Qr = Qw = 3).</summary>
[Collection(IntegrationGroup.Name)]
public sealed class ServerFailureTests
{
    private const int ChunkSize = 256 * 1024;

    /// <summary>
    /// The seed's shape, with meta slow to notice a silent server: these tests are about the client finding servers
    /// down in the middle of its writes. With the usual 2 s heartbeat timeout, a loaded machine can let meta notice a
    /// kill before the write leases a new chunk, which it then places on the survivors only (another test's subject).
    /// </summary>
    private static ClusterOptions ClientFindsOut => ClusterClient.Seed(ChunkSize) with { HeartbeatTimeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task A_server_down_during_writes_is_recorded_stale_never_served_then_repaired()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClientFindsOut, ct);
        await using var client = await ClusterClient.ConnectAsync(cluster);
        var file = await client.CreateFileAsync("/down.bin", cancellationToken: ct);
        var before = ClusterClient.Bytes((ChunkSize * 2) + 1000, 1);
        await client.WriteAsync(file.Ino, 0, before, ct);
        var downId = await cluster.ServerIdAsync(2, ct);

        // On a loaded machine data-3 may have missed the first write (quorum reached before its answer) and be catching
        // up: wait until it holds every chunk, so that each replica goes from Ok to Stale (one event each) below.
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks
                .All(c => c.Replicas.Single(r => r.ServerId == downId).State == ReplicaState.Ok),
            TimeSpan.FromSeconds(60), "data-3 to hold every chunk of the first write", ct);
        var lastEvent = (await ClusterClient.EventsAsync(cluster)).Max(e => e.Id);
        await cluster.KillDataServerAsync(2);
        var after = ClusterClient.Bytes((ChunkSize * 3) + 5000, 2);
        await client.WriteAsync(file.Ino, 0, after, ct);

        var map = await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct);
        Assert.Equal(4, map.Chunks.Count);
        Assert.All(map.Chunks, c => Assert.Equal(ReplicaState.Stale, c.Replicas.Single(r => r.ServerId == downId).State));
        var staleEvents = await ClusterClient.EventsAsync(cluster, EventKinds.ReplicaStale);
        Assert.Equal(4, staleEvents.Count(e => e.ServerId == downId && e.Id > lastEvent));

        // Readable while it is down (3 agreeing replicas remain).
        var read = new byte[after.Length];
        Assert.Equal(after.Length, await client.ReadAsync(file.Ino, 0, read, ct));
        Assert.Equal(after, read);

        // Back with its old data: it holds the first write's versions, whose bytes differ from the second write's, so
        // bytes equal to the second write prove that no stale copy was served. Its own catch-up (which starts when it
        // registers) or read repair brings it back to the committed versions; once caught up it may serve them.
        await cluster.StartDataServerAsync(2, cancellationToken: ct);
        await using var reader = await ClusterClient.ConnectAsync(cluster);
        Array.Clear(read);
        Assert.Equal(after.Length, await reader.ReadAsync(file.Ino, 0, read, ct));
        Assert.Equal(after, read);

        // Read repair and the server's own catch-up race for the same replicas; either one may finish a chunk.
        Assert.True(await reader.WaitForRepairsAsync(TimeSpan.FromSeconds(30), ct));
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks
                .All(c => c.Replicas.Single(r => r.ServerId == downId).State == ReplicaState.Ok),
            TimeSpan.FromSeconds(60), "every replica on data-3 to be repaired", ct);
        map = await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct);
        foreach (var chunk in map.Chunks)
        {
            Assert.Equal(ReplicaState.Ok, chunk.Replicas.Single(r => r.ServerId == downId).State);
            var digest = await cluster.DataApi(2).GetDigestAsync(ChunkKey.FromId(chunk.ChunkId), chunk.Version, ct);
            Assert.Equal(chunk.Checksum, digest.Checksum);
        }
    }

    [Fact]
    public async Task Too_many_servers_down_fail_the_write_nothing_becomes_visible_and_the_old_content_reads_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClientFindsOut, ct);
        await using var client = await ClusterClient.ConnectAsync(cluster);
        var file = await client.CreateFileAsync("/old.bin", cancellationToken: ct);
        var old = ClusterClient.Bytes(ChunkSize + 300, 3);
        await client.WriteAsync(file.Ino, 0, old, ct);
        var committed = await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct);

        await cluster.KillDataServerAsync(0);
        await cluster.KillDataServerAsync(3);
        var error = await Assert.ThrowsAsync<QuorumException>(() => client.WriteAsync(file.Ino, 0, ClusterClient.Bytes((ChunkSize * 2) + 7, 4), ct));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal(QuorumOperation.Write, error.Operation);
        Assert.Equal((2, 3), (error.Achieved, error.Required));

        var now = await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct);
        Assert.Equal(old.Length, now.Size);
        // The new third chunk was leased (meta lists it with version 0: nothing committed, reads as a hole).
        Assert.Equal(committed.Chunks.Select(c => (c.ChunkId, c.Version, c.Checksum)), now.Chunks.Where(c => c.Version > 0).Select(c => (c.ChunkId, c.Version, c.Checksum)));
        Assert.All(now.Chunks.Where(c => c.Version == 0), c => Assert.Equal(0, c.Length));
        // Every chunk of the failed batch is reported: who acknowledged, who did not and why.
        var failures = await ClusterClient.EventsAsync(cluster, EventKinds.WriteQuorumFailed);
        Assert.Equal(3, failures.Count);
        var down = new[] { cluster.DataServers[0].Name, cluster.DataServers[3].Name };
        Assert.All(failures, f =>
        {
            Assert.Equal(EventSeverity.Error, f.Severity);
            Assert.Contains("Qw=3", f.Message, StringComparison.Ordinal);
            Assert.Contains("2 of 4 replica(s) acknowledged", f.Message, StringComparison.Ordinal);
            Assert.All(down, name => Assert.Contains($"{name}: unreachable", f.Message, StringComparison.Ordinal));
        });

        await cluster.StartDataServerAsync(0, cancellationToken: ct);
        await cluster.StartDataServerAsync(3, cancellationToken: ct);
        await using var reader = await ClusterClient.ConnectAsync(cluster);
        var read = new byte[ChunkSize * 3];
        Assert.Equal(old.Length, await reader.ReadAsync(file.Ino, 0, read, ct));
        Assert.Equal(old, read[..old.Length]);
    }

    [Fact]
    public async Task A_hung_server_stalls_neither_reads_nor_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClusterClient.Seed(ChunkSize), ct);
        await using var client = await ClusterClient.ConnectAsync(cluster, configure: o => o with { DigestTimeout = TimeSpan.FromSeconds(20), TransferTimeout = TimeSpan.FromSeconds(20), LateAckWindow = TimeSpan.FromMilliseconds(500) });
        var file = await client.CreateFileAsync("/hung.bin", cancellationToken: ct);
        var data = ClusterClient.Bytes(ChunkSize * 2, 5);
        await client.WriteAsync(file.Ino, 0, data, ct);

        var pid = cluster.DataServers[1].Process.ProcessId!.Value;
        Signal(pid, "STOP");
        try
        {
            var watch = Stopwatch.StartNew();
            var read = new byte[data.Length];
            Assert.Equal(data.Length, await client.ReadAsync(file.Ino, 0, read, ct));
            Assert.Equal(data, read);
            await client.WriteAsync(file.Ino, 1000, ClusterClient.Bytes(ChunkSize, 6), ct);
            watch.Stop();
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed} with a hung server");
        }
        finally
        {
            Signal(pid, "CONT");
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
