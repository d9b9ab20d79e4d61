using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Tests.Fakes;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Files;

/// <summary>Open-file handles: write-behind, read-your-writes, read-ahead, bounded memory and sticky errors.</summary>
public sealed class FileHandleTests
{
    private const int ChunkSize = 256 * 1024;

    [Fact]
    public async Task Writes_are_visible_through_the_handle_and_the_client_before_they_are_committed()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await using var handle = await client.OpenFileAsync(ino, ct);
        var data = TestData.Bytes(5000, 1);

        await handle.WriteAsync(100, data, ct);

        Assert.Empty(cluster.Meta.Commits);
        Assert.Equal(5100, handle.Size);
        var viaHandle = new byte[5100];
        Assert.Equal(5100, await handle.ReadAsync(0, viaHandle, ct));
        var viaClient = new byte[5100];
        Assert.Equal(5100, await client.ReadAsync(ino, 0, viaClient, ct));
        Assert.Equal(viaHandle, viaClient);
        Assert.All(viaHandle[..100], b => Assert.Equal(0, b));
        Assert.Equal(data, viaHandle[100..]);

        await handle.FlushAsync(ct);
        Assert.Single(cluster.Meta.Commits);
        Assert.Equal(5100, cluster.Meta.SizeOf(ino));
    }

    [Fact]
    public async Task Full_chunks_are_flushed_in_the_background_and_the_rest_on_close()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes((ChunkSize * 3) + 1234, 2);
        var handle = await client.OpenFileAsync(ino, ct);

        for (var offset = 0; offset < data.Length; offset += 40_000)
        {
            await handle.WriteAsync(offset, data.AsMemory(offset, Math.Min(40_000, data.Length - offset)), ct);
        }

        Assert.True(await TestData.EventuallyAsync(() => cluster.Meta.Chunk(ino, 2) is not null, TimeSpan.FromSeconds(5)));
        Assert.Null(cluster.Meta.Chunk(ino, 3));
        await handle.CloseAsync(ct);

        Assert.Equal(data.Length, cluster.Meta.SizeOf(ino));
        var read = new byte[data.Length];
        await client.ReadAsync(ino, 0, read, ct);
        Assert.Equal(data, read);
        Assert.Equal(client.Budget.Capacity, client.Budget.Available);
    }

    [Fact]
    public async Task A_failed_background_flush_makes_every_later_write_flush_fsync_and_close_fail_with_EIO()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var handle = await client.OpenFileAsync(ino, ct);
        cluster.Server(1).Fault = FakeFault.Down;
        cluster.Server(2).Fault = FakeFault.Down;

        // A full chunk is flushed in the background and misses Qw=3.
        await handle.WriteAsync(0, TestData.Bytes(ChunkSize, 3), ct);
        Assert.True(await TestData.EventuallyAsync(() => !cluster.Meta.WriteFailures.IsEmpty && client.Budget.Available == client.Budget.Capacity, TimeSpan.FromSeconds(5)));
        cluster.Server(1).Fault = FakeFault.None;
        cluster.Server(2).Fault = FakeFault.None;

        var write = await Assert.ThrowsAsync<PosixException>(() => handle.WriteAsync(ChunkSize, new byte[10], ct));
        Assert.Equal(Errno.EIO, write.Errno);
        Assert.IsType<QuorumException>(write.InnerException);
        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<PosixException>(() => handle.FlushAsync(ct))).Errno);
        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<PosixException>(() => handle.FsyncAsync(ct))).Errno);
        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<PosixException>(() => handle.CloseAsync(ct))).Errno);
        Assert.True(handle.IsClosed);
        Assert.Empty(cluster.Meta.Commits);

        // A handle opened afterwards starts clean.
        await using var next = await client.OpenFileAsync(ino, ct);
        await next.WriteAsync(0, new byte[10], ct);
        await next.FlushAsync(ct);
        Assert.Equal(10, cluster.Meta.SizeOf(ino));
    }

    [Fact]
    public async Task Small_sequential_reads_fetch_each_chunk_once_and_read_ahead()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { ReadAheadBytes = 4L * ChunkSize });
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize * 8, 4);
        await client.WriteAsync(ino, 0, data, ct);

        await using var handle = await client.OpenFileAsync(ino, ct);
        var read = new byte[data.Length];
        for (var offset = 0; offset < data.Length; offset += 32 * 1024)
        {
            Assert.Equal(32 * 1024, await handle.ReadAsync(offset, read.AsMemory(offset, 32 * 1024), ct));
        }

        // The first read fetches only its blocks; from the second on, whole chunks, each once.
        Assert.Equal(data, read);
        Assert.True(9 == cluster.Servers.Sum(s => s.Gets), string.Join("\n", cluster.Servers.SelectMany(s => s.GetLog.Select(g => $"{s.ServerId}: {g}"))));
        Assert.Equal(1, cluster.Servers.Sum(s => s.RangeGets));
    }

    [Fact]
    public async Task Random_small_reads_fetch_only_the_blocks_they_need()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 5);
        await client.WriteAsync(ino, 0, data, ct);
        await using var handle = await client.OpenFileAsync(ino, ct);

        var part = new byte[100];
        Assert.Equal(100, await handle.ReadAsync(200_000, part, ct));

        Assert.Equal(data.AsSpan(200_000, 100).ToArray(), part);
        Assert.Equal(1, cluster.Servers.Sum(s => s.RangeGets));

        // The replicas' digests are asked for that range too, so no replica re-reads the whole chunk.
        Assert.True(cluster.Servers.Sum(s => s.RangeDigests) >= 1);
    }

    [Fact]
    public async Task Random_reads_through_a_handle_fetch_each_block_once_and_see_their_own_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 15);
        await client.WriteAsync(ino, 0, data, ct);
        await using var handle = await client.OpenFileAsync(ino, ct);

        // Two reads in one 64 KiB block, then the first again: one ranged GET.
        var part = new byte[4096];
        foreach (var offset in new[] { 70_000, 100_000, 70_000 })
        {
            Assert.Equal(4096, await handle.ReadAsync(offset, part, ct));
            Assert.Equal(data.AsSpan(offset, 4096).ToArray(), part);
        }

        Assert.Equal(1, cluster.Servers.Sum(s => s.RangeGets));

        // Another block is fetched; a write into the chunk drops what was held, and reads see the new bytes.
        Assert.Equal(4096, await handle.ReadAsync(200_000, part, ct));
        Assert.Equal(2, cluster.Servers.Sum(s => s.RangeGets));
        var patch = TestData.Bytes(100, 16);
        await handle.WriteAsync(70_050, patch, ct);
        await handle.FlushAsync(ct);
        Assert.Equal(4096, await handle.ReadAsync(70_000, part, ct));
        Assert.Equal(patch, part[50..150]);
        Assert.Equal(data.AsSpan(70_000, 50).ToArray(), part[..50]);
    }

    [Fact]
    public async Task A_random_read_that_cannot_reach_its_quorum_is_EIO_caches_nothing_and_works_when_the_servers_return()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize, 20);
        await client.WriteAsync(ino, 0, data, ct);
        await using var handle = await client.OpenFileAsync(ino, ct);

        foreach (var server in cluster.Servers)
        {
            server.Fault = FakeFault.Down;
        }

        var part = new byte[4096];
        var error = await Assert.ThrowsAsync<QuorumException>(() => handle.ReadAsync(70_000, part, ct));
        Assert.Equal(Errno.EIO, error.Errno);

        foreach (var server in cluster.Servers)
        {
            server.Fault = FakeFault.None;
        }

        // Nothing was kept from the failed read: the block is fetched now, and its bytes are the file's.
        var gets = cluster.Servers.Sum(s => s.RangeGets);
        Assert.Equal(4096, await handle.ReadAsync(70_000, part, ct));
        Assert.Equal(data.AsSpan(70_000, 4096).ToArray(), part);
        Assert.Equal(gets + 1, cluster.Servers.Sum(s => s.RangeGets));
    }

    [Fact]
    public async Task Blocks_held_for_random_reads_give_way_to_another_clients_commit_at_the_next_open()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var reader = await cluster.ConnectAsync();
        await using var writer = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await writer.WriteAsync(ino, 0, TestData.Bytes(ChunkSize, 17), ct);

        var part = new byte[4096];
        await using (var handle = await reader.OpenFileAsync(ino, ct))
        {
            await handle.ReadAsync(70_000, part, ct);
        }

        var second = TestData.Bytes(ChunkSize, 18);
        await writer.WriteAsync(ino, 0, second, ct);

        await using (var handle = await reader.OpenFileAsync(ino, ct))
        {
            Assert.Equal(4096, await handle.ReadAsync(70_000, part, ct));
        }

        Assert.Equal(second.AsSpan(70_000, 4096).ToArray(), part);
    }

    [Fact]
    public async Task A_file_much_larger_than_the_buffer_budget_is_written_and_read_with_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { BufferBudgetBytes = 4L * ChunkSize, MaxDirtyBytesPerFile = 2L * ChunkSize });
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize * 24, 6);

        var handle = await client.OpenFileAsync(ino, ct);
        for (var offset = 0; offset < data.Length; offset += 100_000)
        {
            await handle.WriteAsync(offset, data.AsMemory(offset, Math.Min(100_000, data.Length - offset)), ct);
            Assert.True(client.Budget.Available >= 0);
        }

        await handle.CloseAsync(ct);
        Assert.True(await TestData.EventuallyAsync(() => client.Budget.Available == client.Budget.Capacity, TimeSpan.FromSeconds(5)));

        // Direct I/O of the whole file through the same small budget.
        var read = new byte[data.Length];
        Assert.Equal(data.Length, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(data, read);
        await client.WriteAsync(ino, 0, data, ct);
        Assert.True(await TestData.EventuallyAsync(() => client.Budget.Available == client.Budget.Capacity, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Past_the_dirty_limit_only_the_least_recently_written_partial_chunks_are_flushed()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync(o => o with { MaxDirtyBytesPerFile = 3L * ChunkSize });
        var ino = cluster.Meta.NewFile();
        await using var handle = await client.OpenFileAsync(ino, ct);

        // Partial writes into chunks 0, 1, 2, then 0 again: chunk 1 is now the least recently written.
        foreach (var index in new[] { 0, 1, 2, 0 })
        {
            await handle.WriteAsync((index * ChunkSize) + 10, TestData.Bytes(4096, index + 1), ct);
        }

        Assert.Equal(0, cluster.Servers.Sum(s => s.Puts));

        // A fourth partial chunk passes the limit by one chunk: chunk 1 alone is written and committed.
        await handle.WriteAsync((3 * ChunkSize) + 10, TestData.Bytes(4096, 4), ct);
        Assert.True(await TestData.EventuallyAsync(() => cluster.Meta.Chunk(ino, 1) is not null, TimeSpan.FromSeconds(5)));
        await Task.Delay(100, ct);
        Assert.Null(cluster.Meta.Chunk(ino, 0));
        Assert.Null(cluster.Meta.Chunk(ino, 2));
        Assert.Null(cluster.Meta.Chunk(ino, 3));

        await handle.FlushAsync(ct);
        var read = new byte[4096];
        foreach (var index in new[] { 0, 1, 2, 3 })
        {
            Assert.Equal(4096, await client.ReadAsync(ino, (index * ChunkSize) + 10, read, ct));
            Assert.Equal(TestData.Bytes(4096, index + 1), read);
        }
    }

    [Fact]
    public async Task A_streaming_write_holds_about_the_flushing_limit_of_buffers_not_the_whole_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        foreach (var server in cluster.Servers)
        {
            server.PutDelay = TimeSpan.FromMilliseconds(30);
        }

        await using var client = await cluster.ConnectAsync(o => o with { BufferBudgetBytes = 32L * ChunkSize, MaxFlushingBytesPerFile = 2L * ChunkSize });
        var ino = cluster.Meta.NewFile();
        var data = TestData.Bytes(ChunkSize * 12, 9);
        long mostHeld = 0;
        await using (var handle = await client.OpenFileAsync(ino, ct))
        {
            for (var offset = 0; offset < data.Length; offset += 64 * 1024)
            {
                await handle.WriteAsync(offset, data.AsMemory(offset, 64 * 1024), ct);
                mostHeld = Math.Max(mostHeld, client.Budget.Capacity - client.Budget.Available);
            }
        }

        // Two chunks sealed or flushing, plus the one being filled.
        Assert.InRange(mostHeld, ChunkSize, 3L * ChunkSize);
        var read = new byte[data.Length];
        Assert.Equal(data.Length, await client.ReadAsync(ino, 0, read, ct));
        Assert.Equal(data, read);
    }

    [Fact]
    public async Task Truncate_through_a_handle_commits_pending_writes_first_then_shrinks_and_grows_with_zeros()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var ino = cluster.Meta.NewFile();
        await using var handle = await client.OpenFileAsync(ino, ct);
        var data = TestData.Bytes(ChunkSize + 5000, 7);
        await handle.WriteAsync(0, data, ct);

        await handle.TruncateAsync(1000, ct);
        Assert.Equal(1000, handle.Size);
        Assert.Null(cluster.Meta.Chunk(ino, 1));
        Assert.Equal(1000, cluster.Meta.Chunk(ino, 0)!.Length);

        await handle.TruncateAsync(ChunkSize * 2, ct);
        var read = new byte[ChunkSize * 2];
        Assert.Equal(ChunkSize * 2, await handle.ReadAsync(0, read, ct));
        Assert.Equal(data[..1000], read[..1000]);
        Assert.All(read[1000..], b => Assert.Equal(0, b));

        // Writing after the clamped end keeps the zeros in between (the old bytes beyond the clamp never come back).
        await handle.WriteAsync(3000, new byte[] { 9, 9, 9 }, ct);
        await handle.FlushAsync(ct);
        var again = new byte[4000];
        await client.ReadAsync(ino, 0, again, ct);
        Assert.Equal(data[..1000], again[..1000]);
        Assert.All(again[1000..3000], b => Assert.Equal(0, b));
        Assert.Equal(new byte[] { 9, 9, 9 }, again[3000..3003]);
    }

    [Fact]
    public async Task Opening_a_directory_or_a_missing_inode_fails_with_its_errno()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = new FakeCluster();
        await using var client = await cluster.ConnectAsync();
        var error = await Assert.ThrowsAsync<PosixException>(() => client.OpenFileAsync(424242, ct));
        Assert.Equal(Errno.ENOENT, error.Errno);
    }
}
