using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Tests.Fakes;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Quorum;

/// <summary>Quorum writes through the real client against fake replicas and a fake metadata server.</summary>
public sealed class QuorumWriterTests
{
    private const int ChunkSize = 256 * 1024;

    [Fact]
    public async Task One_replica_down_still_commits_and_the_commit_lists_it_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        cluster.Server(3).Fault = FakeFault.Down;
        var data = TestData.Bytes(ChunkSize + 1000, 1);

        var attributes = await client.WriteAsync(ino, 0, data, ct);

        Assert.Equal(data.Length, attributes!.Size);
        var commit = Assert.Single(cluster.Meta.Commits);
        Assert.All(commit.Commits, c =>
        {
            Assert.Equal([1, 2, 4], c.Acknowledged.Order());
            var failed = Assert.Single(c.Failed);
            Assert.Equal(3, failed.ServerId);
            Assert.Contains("Connection refused", failed.Reason, StringComparison.Ordinal);
        });
        Assert.Equal(ReplicaState.Stale, cluster.Meta.Chunk(ino, 0)!.Replicas.Single(r => r.ServerId == 3).State);
    }

    [Fact]
    public async Task Too_few_acknowledgements_fail_with_EIO_commit_nothing_and_report_who_said_what()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var before = TestData.Bytes(10_000, 2);
        await client.WriteAsync(ino, 0, before, ct);
        var committed = cluster.Meta.Chunk(ino, 0)!;
        cluster.Server(2).Fault = FakeFault.Down;
        cluster.Server(4).Fault = FakeFault.Crashed;

        // The new bytes cover the old ones, so no base has to be read (which Qr=3 would refuse too).
        var error = await Assert.ThrowsAsync<QuorumException>(() => client.WriteAsync(ino, 0, TestData.Bytes(20_000, 3), ct));

        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Equal(QuorumOperation.Write, error.Operation);
        Assert.Equal((2, 3), (error.Achieved, error.Required));
        Assert.Equal(committed.Version, cluster.Meta.Chunk(ino, 0)!.Version);
        Assert.Equal(10_000, cluster.Meta.SizeOf(ino));
        var report = Assert.Single(cluster.Meta.WriteFailures);
        Assert.Equal([1, 3], report.Acknowledged.Order());
        Assert.Equal([2, 4], report.Failed.Select(f => f.ServerId).Order());
        Assert.Contains(report.Failed, f => f.ServerId == 4 && f.Reason.Contains("503", StringComparison.Ordinal));
        Assert.Equal(3, report.WriteQuorum);

        // The version that will never be committed is deleted from the replicas that stored it.
        Assert.True(await TestData.EventuallyAsync(() => !cluster.Server(1).Has(report.ChunkId, report.Version) && !cluster.Server(3).Has(report.ChunkId, report.Version), TimeSpan.FromSeconds(5)));
        Assert.True(cluster.Server(1).Has(committed.ChunkId, committed.Version));

        // The previous version is still what everybody reads.
        cluster.Server(2).Fault = FakeFault.None;
        cluster.Server(4).Fault = FakeFault.None;
        var read = new byte[20_000];
        Assert.Equal(10_000, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(before, read[..10_000]);
    }

    [Fact]
    public async Task A_lost_commit_race_reapplies_this_writers_bytes_on_the_other_writers_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var a = await cluster.ConnectAsync();
        await using var b = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await a.WriteAsync(ino, 0, new byte[100_000], ct);

        var raced = 0;
        cluster.Meta.BeforeCommit = async (_, _) =>
        {
            if (Interlocked.Exchange(ref raced, 1) == 0)
            {
                // Another client commits bytes at the end of the same chunk first.
                await b.WriteAsync(ino, 90_000, Enumerable.Repeat((byte)0xBB, 10_000).ToArray(), ct);
            }
        };

        await a.WriteAsync(ino, 0, Enumerable.Repeat((byte)0xAA, 10_000).ToArray(), ct);

        var read = new byte[100_000];
        await a.ReadAsync(ino, 0, read, ct);
        Assert.All(read[..10_000], x => Assert.Equal(0xAA, x));
        Assert.All(read[10_000..90_000], x => Assert.Equal(0, x));
        Assert.All(read[90_000..], x => Assert.Equal(0xBB, x));
        Assert.Equal(3, cluster.Meta.Commits.Count);

        // The version that lost the race is garbage: deleted; the committed ones stay.
        var final = cluster.Meta.Chunk(ino, 0)!;
        Assert.True(await TestData.EventuallyAsync(() => cluster.Servers.All(s => s.Has(final.ChunkId, final.Version)), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Commit_attempts_are_bounded_when_other_writers_keep_winning()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { MaxCommitAttempts = 3 });
        var ino = cluster.Meta.NewFile();
        await client.WriteAsync(ino, 0, new byte[1000], ct);
        var chunk = cluster.Meta.Chunk(ino, 0)!;
        cluster.Meta.BeforeCommit = (_, request) =>
        {
            foreach (var c in request.Commits)
            {
                cluster.Meta.ForceCommit(c.ChunkId, cluster.Meta.NextVersion(), chunk.Length, chunk.Checksum);
            }

            return Task.CompletedTask;
        };

        var error = await Assert.ThrowsAsync<PosixException>(() => client.WriteAsync(ino, 0, new byte[2000], ct));
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Contains("after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, cluster.Meta.CommitCalls);
    }

    [Fact]
    public async Task Replicas_that_acknowledge_after_the_commit_are_reported_ok()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { CommitGrace = TimeSpan.FromMilliseconds(1), LateAckWindow = TimeSpan.FromSeconds(5) });
        var ino = cluster.Meta.NewFile();
        cluster.Server(4).PutDelay = TimeSpan.FromMilliseconds(300);

        await client.WriteAsync(ino, 0, TestData.Bytes(4000, 4), ct);

        var commit = Assert.Single(Assert.Single(cluster.Meta.Commits).Commits);
        Assert.DoesNotContain(4, commit.Acknowledged);
        Assert.Contains(commit.Failed, f => f.ServerId == 4 && f.Reason.Contains("no acknowledgement", StringComparison.Ordinal));
        Assert.True(await TestData.EventuallyAsync(() => cluster.Meta.ReplicaReports.Any(r => r.Report.ServerId == 4), TimeSpan.FromSeconds(5)));
        var late = cluster.Meta.ReplicaReports.Single(r => r.Report.ServerId == 4).Report;
        Assert.Equal((ReplicaState.Ok, commit.Version), (late.State, late.Version));
        Assert.Equal(ReplicaState.Ok, cluster.Meta.Chunk(ino, 0)!.Replicas.Single(r => r.ServerId == 4).State);
    }

    [Fact]
    public async Task The_commit_grace_lets_a_slightly_slower_replica_into_the_commit()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { CommitGrace = TimeSpan.FromSeconds(1) });
        var ino = cluster.Meta.NewFile();
        cluster.Server(2).PutDelay = TimeSpan.FromMilliseconds(50);

        await client.WriteAsync(ino, 0, TestData.Bytes(4000, 5), ct);

        var commit = Assert.Single(Assert.Single(cluster.Meta.Commits).Commits);
        Assert.Equal([1, 2, 3, 4], commit.Acknowledged.Order());
        Assert.Empty(commit.Failed);
    }

    [Fact]
    public async Task A_hung_replica_is_committed_around_without_waiting_for_its_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { TransferTimeout = TimeSpan.FromSeconds(30), LateAckWindow = TimeSpan.FromMilliseconds(200) });
        var ino = cluster.Meta.NewFile();
        cluster.Server(1).Fault = FakeFault.Hung;
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await client.WriteAsync(ino, 0, TestData.Bytes(ChunkSize * 3, 6), ct);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the write took {watch.Elapsed}");
        Assert.All(Assert.Single(cluster.Meta.Commits).Commits, c => Assert.Equal([2, 3, 4], c.Acknowledged.Order()));
    }

    [Fact]
    public async Task Leases_and_commits_are_batched()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { MaxBatchChunks = 8 });
        var ino = cluster.Meta.NewFile();

        await client.WriteAsync(ino, 0, TestData.Bytes(ChunkSize * 16, 7), ct);

        Assert.Equal(2, cluster.Meta.LeaseCalls);
        Assert.Equal(2, cluster.Meta.CommitCalls);
        Assert.All(cluster.Meta.Commits, c => Assert.Equal(8, c.Commits.Count));
    }

    [Fact]
    public async Task Writing_into_the_middle_of_a_chunk_keeps_the_rest_and_the_tail()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var expected = TestData.Bytes((ChunkSize * 3) + 777, 8);
        await client.WriteAsync(ino, 0, expected, ct);

        var patch = TestData.Bytes(ChunkSize + 100, 9);
        await client.WriteAsync(ino, ChunkSize - 50, patch, ct);
        patch.CopyTo(expected, ChunkSize - 50);

        var read = new byte[expected.Length + 5];
        Assert.Equal(expected.Length, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(expected, read[..expected.Length]);
    }
}
