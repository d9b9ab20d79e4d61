using System.Diagnostics;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Tests.Fakes;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Quorum;

/// <summary>Quorum reads through the real client against fake replicas broken in specific ways.</summary>
public sealed class QuorumReaderTests
{
    private const int ChunkSize = 256 * 1024;

    [Fact]
    public async Task A_corrupt_replica_is_outvoted_then_reported_and_repaired_from_a_good_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(300_000, 1);
        await client.WriteAsync(ino, 0, data, ct);
        var chunk = cluster.Meta.Chunk(ino, 0)!;
        cluster.Server(2).Corrupt(chunk.ChunkId, chunk.Version);

        var read = new byte[data.Length];
        Assert.Equal(data.Length, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(data, read);

        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(5), ct));
        Assert.Equal(data[..ChunkSize], cluster.Server(2).Bytes(chunk.ChunkId, chunk.Version));
        var reports = cluster.Meta.ReplicaReports.Where(r => r.ChunkId == chunk.ChunkId && r.Report.ServerId == 2).Select(r => r.Report).ToList();
        Assert.Equal([ReplicaState.Corrupt, ReplicaState.Ok], reports.Select(r => r.State));
        Assert.All(reports, r => Assert.Equal(client.Name, r.ReportedBy));
        Assert.Contains("corrupt", reports[0].Reason, StringComparison.Ordinal);
        Assert.Contains("repaired itself from server", reports[1].Reason, StringComparison.Ordinal);
        Assert.Equal(chunk.Version, reports[1].Version);
        Assert.Equal(1, client.Repairs.Completed);
    }

    [Fact]
    public async Task Two_corrupt_replicas_with_Qr_3_of_4_fail_with_EIO_and_an_event_that_names_each_replica()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await client.WriteAsync(ino, 0, TestData.Bytes(100_000, 2), ct);
        var chunk = cluster.Meta.Chunk(ino, 0)!;
        cluster.Server(1).Corrupt(chunk.ChunkId, chunk.Version);
        cluster.Server(3).Corrupt(chunk.ChunkId, chunk.Version);

        var error = await Assert.ThrowsAsync<QuorumException>(() => client.ReadAsync(ino, 0, new byte[100_000], ct));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal(QuorumOperation.Read, error.Operation);
        Assert.Equal(2, error.Achieved);
        Assert.Equal(3, error.Required);
        Assert.Equal(
            [(1, ReplicaVerdict.Corrupt), (2, ReplicaVerdict.Ok), (3, ReplicaVerdict.Corrupt), (4, ReplicaVerdict.Ok)],
            error.Replicas.OrderBy(r => r.ServerId).Select(r => (r.ServerId, r.Verdict)));

        var failure = Assert.Single(cluster.Meta.Events, e => e.Kind == EventKinds.ReadQuorumFailed);
        Assert.Equal(EventSeverity.Error, failure.Severity);
        Assert.Equal(chunk.ChunkId, failure.ChunkId);
        Assert.Contains("server 1 (http://data-1.fake): corrupt", failure.Message, StringComparison.Ordinal);
        Assert.Contains("server 3 (http://data-3.fake): corrupt", failure.Message, StringComparison.Ordinal);
        Assert.Contains("server 2 (http://data-2.fake): ok", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_fail_verification_are_fetched_again_from_an_agreeing_replica_and_never_served()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();

        // Qr=1: a replica that served bad bytes no longer agrees, so with Qr=3 two of them would sink the read.
        await using var client = await cluster.ConnectAsync(readQuorum: 1);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 3);
        await client.WriteAsync(ino, 0, data, ct);
        foreach (var server in cluster.Servers)
        {
            server.ServeBadBytes = server.ServerId != 4;
        }

        // Full reads and range reads (the first block of a range is verified against the block hashes).
        var full = new byte[ChunkSize];
        await client.ReadAsync(ino, 0, full, ct);
        Assert.Equal(data, full);
        var part = new byte[1000];
        await client.ReadAsync(ino, 70_000, part, ct);
        Assert.Equal(data.AsSpan(70_000, 1000).ToArray(), part);
        Assert.True(cluster.Server(4).Gets >= 2);
    }

    [Fact]
    public async Task A_stale_replica_is_never_served_and_is_repaired_with_the_committed_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await client.WriteAsync(ino, 0, TestData.Bytes(5000, 4), ct);
        var old = cluster.Meta.Chunk(ino, 0)!;

        // Server 1 misses the second write: it keeps the old version only.
        cluster.Server(1).Fault = FakeFault.Down;
        var second = TestData.Bytes(5000, 5);
        await client.WriteAsync(ino, 0, second, ct);
        cluster.Server(1).Fault = FakeFault.None;
        var current = cluster.Meta.Chunk(ino, 0)!;
        Assert.Equal(ReplicaState.Stale, current.Replicas.Single(r => r.ServerId == 1).State);

        var read = new byte[5000];
        await client.ReadAsync(ino, 0, read, ct);
        Assert.Equal(second, read);
        Assert.Equal(0, cluster.Server(1).Gets);

        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(5), ct));
        var report = cluster.Meta.ReplicaReports.First(r => r.Report.ServerId == 1).Report;
        Assert.Equal(ReplicaState.Stale, report.State);
        Assert.Equal(old.Version, report.Version);
        Assert.Equal(second, cluster.Server(1).Bytes(current.ChunkId, current.Version));
    }

    [Fact]
    public async Task A_hung_replica_does_not_stall_a_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { DigestTimeout = TimeSpan.FromSeconds(10), TransferTimeout = TimeSpan.FromSeconds(10) });
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(200_000, 6);
        await client.WriteAsync(ino, 0, data, ct);

        // Server 1 is the preferred byte source (all equal, listed first) and now never answers.
        cluster.Server(1).Fault = FakeFault.Hung;
        var watch = Stopwatch.StartNew();
        var read = new byte[data.Length];
        await client.ReadAsync(ino, 0, read, ct);
        watch.Stop();
        Assert.Equal(data, read);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the read took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(3, 1, 0)]
    [InlineData(3, 2, 1)]
    [InlineData(4, 3, 2)]
    public async Task A_ranged_read_asks_only_the_quorum_and_the_byte_source_votes_with_its_verified_bytes(int replicas, int readQuorum, int digests)
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: replicas, replicas: replicas);
        await using var client = await cluster.ConnectAsync(readQuorum: readQuorum, writeQuorum: replicas);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 11);
        await client.WriteAsync(ino, 0, data, ct);

        var part = new byte[4096];
        Assert.Equal(part.Length, await client.ReadAsync(ino, 70_000, part, ct));

        Assert.Equal(data.AsSpan(70_000, 4096).ToArray(), part);
        Assert.Equal(1, cluster.Servers.Sum(s => s.RangeGets));
        Assert.Equal(1, cluster.Servers.Sum(s => s.Gets));
        Assert.Equal(digests, cluster.Servers.Sum(s => s.RangeDigests));
        Assert.Equal(0, cluster.Servers.Sum(s => s.Digests) - cluster.Servers.Sum(s => s.RangeDigests));
    }

    [Fact]
    public async Task A_ranged_read_whose_source_serves_bad_bytes_asks_another_replica_and_reports_the_bad_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: 3, replicas: 3);
        await using var client = await cluster.ConnectAsync(readQuorum: 1, writeQuorum: 3);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 12);

        // Server 1 becomes the fastest, so the byte source.
        await WriteWithSlowServersAsync(client, cluster, ino, data, 2, 3);
        cluster.Server(1).ServeBadBytes = true;
        var part = new byte[4096];
        await client.ReadAsync(ino, 140_000, part, ct);

        Assert.Equal(data.AsSpan(140_000, 4096).ToArray(), part);
        Assert.Equal(2, cluster.Servers.Sum(s => s.RangeGets));
        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(5), ct));
        var report = Assert.Single(cluster.Meta.ReplicaReports, r => r.Report.State == ReplicaState.Corrupt).Report;
        Assert.Equal(1, report.ServerId);
    }

    [Fact]
    public async Task A_hung_byte_source_of_a_ranged_read_with_Qr_1_costs_a_hedge_delay_not_a_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: 3, replicas: 3);
        await using var client = await cluster.ConnectAsync(
            o => o with { DigestTimeout = TimeSpan.FromSeconds(10), TransferTimeout = TimeSpan.FromSeconds(10) }, readQuorum: 1, writeQuorum: 3);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 13);

        // Server 1 becomes the fastest, so the byte source; then it hangs.
        await WriteWithSlowServersAsync(client, cluster, ino, data, 2, 3);
        cluster.Server(1).Fault = FakeFault.Hung;
        var watch = Stopwatch.StartNew();
        var part = new byte[4096];
        await client.ReadAsync(ino, 10_000, part, ct);
        watch.Stop();

        Assert.Equal(data.AsSpan(10_000, 4096).ToArray(), part);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the read took {watch.Elapsed}");

        // The hung server's GET never got as far as being counted; the bytes came from one other server.
        Assert.Equal(1, cluster.Servers.Sum(s => s.RangeGets));
    }

    [Fact]
    public async Task A_ranged_read_fails_only_after_asking_every_replica()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: 3, replicas: 3);
        await using var client = await cluster.ConnectAsync(readQuorum: 2, writeQuorum: 3);
        var ino = cluster.Meta.NewFile();
        await client.WriteAsync(ino, 0, TestData.Bytes(ChunkSize, 14), ct);
        var chunk = cluster.Meta.Chunk(ino, 0)!;
        cluster.Server(1).Corrupt(chunk.ChunkId, chunk.Version, offset: 100_000);
        cluster.Server(2).Fault = FakeFault.Down;

        var error = await Assert.ThrowsAsync<QuorumException>(() => client.ReadAsync(ino, 100_000, new byte[4096], ct));

        Assert.Equal(1, error.Achieved);
        Assert.Equal(
            [(1, ReplicaVerdict.Corrupt), (2, ReplicaVerdict.Unreachable), (3, ReplicaVerdict.Ok)],
            error.Replicas.Select(r => (r.ServerId, r.Verdict)));
    }

    [Fact]
    public async Task Every_chunk_of_a_whole_chunk_read_has_its_other_replicas_checked_and_a_bad_one_repaired()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(readQuorum: 1, writeQuorum: 4);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(2 * ChunkSize, 19);

        // Server 4 ranks last, so it is never the byte source: only the background checks can find it.
        await WriteWithSlowServersAsync(client, cluster, ino, data, 4);
        var chunks = new[] { cluster.Meta.Chunk(ino, 0)!, cluster.Meta.Chunk(ino, 1)! };
        foreach (var chunk in chunks)
        {
            cluster.Server(4).Corrupt(chunk.ChunkId, chunk.Version);
        }

        // Slow digests: the two chunks' checks overlap, and the second must wait for the first, not be skipped.
        foreach (var server in cluster.Servers)
        {
            server.DigestDelay = TimeSpan.FromMilliseconds(100);
        }

        var read = new byte[data.Length];
        Assert.Equal(data.Length, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(data, read);

        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(10), ct));
        foreach (var chunk in chunks)
        {
            Assert.Contains(cluster.Meta.ReplicaReports, r => r.ChunkId == chunk.ChunkId && r.Report.ServerId == 4 && r.Report.State == ReplicaState.Corrupt);
            Assert.Equal(data.AsSpan((int)chunk.Index * ChunkSize, ChunkSize).ToArray(), cluster.Server(4).Bytes(chunk.ChunkId, chunk.Version));
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> while <paramref name="slow"/> answer PUTs 100 ms late, so the client's latency
    /// ranking puts them last (and the others first) for the reads that follow.
    /// </summary>
    private static async Task WriteWithSlowServersAsync(ReplicaFsClient client, FakeCluster cluster, long ino, byte[] data, params int[] slow)
    {
        foreach (var server in slow)
        {
            cluster.Server(server).PutDelay = TimeSpan.FromMilliseconds(100);
        }

        await client.WriteAsync(ino, 0, data, TestContext.Current.CancellationToken);
        foreach (var server in slow)
        {
            cluster.Server(server).PutDelay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_replica_set_smaller_than_Qr_fails_the_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster(servers: 4, replicas: 4);
        cluster.Meta.Placement = _ => [(1, "http://data-1.fake"), (2, "http://data-2.fake")];
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();

        // Qw=3 over two replicas cannot be written either.
        var write = await Assert.ThrowsAsync<QuorumException>(() => client.WriteAsync(ino, 0, new byte[10], ct));
        Assert.Contains("only 2 servers", write.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_and_crashed_replicas_are_voted_around_and_never_repaired()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(readQuorum: 2, writeQuorum: 3);
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(1000, 7);
        await client.WriteAsync(ino, 0, data, ct);
        cluster.Server(1).Fault = FakeFault.Down;
        cluster.Server(2).Fault = FakeFault.Crashed;

        var read = new byte[1000];
        await client.ReadAsync(ino, 0, read, ct);
        Assert.Equal(data, read);
        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(5), ct));
        Assert.Empty(cluster.Meta.ReplicaReports);
        Assert.Equal(0, client.Repairs.Completed);
    }
}
