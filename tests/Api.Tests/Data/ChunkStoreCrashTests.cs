using System.Text.Json;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The crash fault at the level of the chunk store: everything goes, from disk and from the index, and nothing comes back.</summary>
public sealed class ChunkStoreCrashTests
{
    [Fact]
    public async Task A_wipe_drops_every_chunk_file_temp_file_and_the_identity_and_empties_the_index()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        for (var i = 1; i <= 20; i++)
        {
            await local.PutAsync(ChunkKey.FromId(i), i, Bytes(1000 * i, i), ct);
        }

        File.WriteAllBytes(Path.Combine(local.DataDir, "tmp", "leftover.tmp"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(local.DataDir, "quarantine", "operator-kept.chunk"), [4]);
        var before = local.Store.InstanceId;

        var (versions, bytes) = await local.Store.WipeAsync(ct);

        Assert.Equal(20, versions);
        Assert.Equal(Enumerable.Range(1, 20).Sum(i => 1000L * i), bytes);
        Assert.Empty(local.ChunkFiles());
        Assert.Empty(Files(Path.Combine(local.DataDir, "tmp")));
        Assert.False(File.Exists(Path.Combine(local.DataDir, "format.json")));
        Assert.Equal(["operator-kept.chunk"], Files(Path.Combine(local.DataDir, "quarantine")));
        Assert.True(local.Store.IsWiped);
        Assert.Equal(0, local.Store.ChunkCount);
        Assert.Equal(0, local.Store.BytesStored);
        Assert.Empty(local.Store.List(null, null, 100).Page);
        Assert.Null(local.Store.OpenRead(ChunkKey.FromId(3), null));
        Assert.Equal(before, local.Store.InstanceId);

        // Nothing can be stored until the server is restored.
        var data = Bytes(10, 99);
        var refused = await Assert.ThrowsAsync<PosixException>(
            () => local.Store.PutAsync("after", 1, ChunkChecksum.Compute(data), new MemoryStream(data), data.Length, ct));
        Assert.Equal(Errno.EAGAIN, refused.Errno);
        Assert.Empty(local.ChunkFiles());
    }

    [Fact]
    public async Task A_renewal_after_a_wipe_gives_a_new_instance_id_on_disk_and_accepts_writes_again()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        await local.PutAsync("old", 1, Bytes(500, 1), ct);
        var before = local.Store.InstanceId;
        await local.Store.WipeAsync(ct);

        await local.Store.RenewAsync(ct);

        Assert.False(local.Store.IsWiped);
        Assert.NotEqual(before, local.Store.InstanceId);
        using (var format = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(local.DataDir, "format.json"))))
        {
            Assert.Equal(local.Store.InstanceId, format.RootElement.GetProperty("instanceId").GetString());
            Assert.Equal(1, format.RootElement.GetProperty("format").GetInt32());
        }

        Assert.False(File.Exists(Path.Combine(local.DataDir, "format.json.tmp")));
        await local.PutAsync("new", 1, Bytes(300, 2), ct);

        // A restart finds exactly the new identity and the chunk written since.
        var reopened = local.Reopen();
        Assert.Equal(local.Store.InstanceId, reopened.InstanceId);
        Assert.Equal(["new"], reopened.List(null, null, 100).Page.Select(c => c.Key));
    }

    [Fact]
    public async Task A_server_restarted_while_crashed_comes_back_empty_with_a_new_instance_id()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        await local.PutAsync("old", 1, Bytes(500, 1), ct);
        var before = local.Store.InstanceId;
        await local.Store.WipeAsync(ct);

        var reopened = local.Reopen();

        Assert.NotEqual(before, reopened.InstanceId);
        Assert.Equal(0, reopened.ChunkCount);
        Assert.False(reopened.IsWiped);
    }

    [Fact]
    public async Task A_write_in_flight_during_a_wipe_is_refused_and_leaves_no_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        var data = Bytes(3 * ChunkChecksum.BlockSize, 5);
        var body = new GatedStream(data, releaseAfter: ChunkChecksum.BlockSize);

        var put = local.Store.PutAsync("inflight", 1, ChunkChecksum.Compute(data), body, data.Length, ct);
        await body.Paused.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await local.Store.WipeAsync(ct);
        await local.Store.RenewAsync(ct);
        body.Release();

        var refused = await Assert.ThrowsAsync<PosixException>(() => put);
        Assert.Equal(Errno.EAGAIN, refused.Errno);
        Assert.False(local.Store.TryGet("inflight", 1, out _));
        Assert.Empty(local.ChunkFiles());
        Assert.Empty(Files(Path.Combine(local.DataDir, "tmp")));
    }

    /// <summary>A body that sends its first bytes, then waits until released.</summary>
    private sealed class GatedStream(byte[] data, int releaseAfter) : Stream
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _position;

        public Task Paused => _paused.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public void Release() => _released.TrySetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= releaseAfter)
            {
                _paused.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }

            var count = Math.Min(buffer.Length, Math.Min(data.Length - _position, _position < releaseAfter ? releaseAfter - _position : int.MaxValue));
            data.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
