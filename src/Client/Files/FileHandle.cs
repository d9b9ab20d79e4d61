using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Files;

/// <summary>
/// An open file, for the FUSE layer and tools. Handles of the same file in one client share its dirty buffers and
/// caches, so each sees the others' writes.
/// <list type="bullet">
/// <item><b>Write-behind.</b> Writes are buffered per chunk; full chunks are written and committed in the background
/// (several batches in flight); <see cref="FlushAsync"/>, <see cref="FsyncAsync"/>, <see cref="CloseAsync"/>, a full
/// buffer budget and the per-file dirty limit flush the rest.</item>
/// <item><b>Read-your-writes</b> through every handle of this client; sequential reads fetch whole chunks and read
/// ahead (bounded).</item>
/// <item><b>Close-to-open consistency.</b> The chunk map is fetched at open and updated by this client's own commits
/// and truncates; another client's commits become visible to handles opened after that client closed (or flushed)
/// its file.</item>
/// <item><b>Sticky errors.</b> If a background flush fails, the next <see cref="WriteAsync"/>, <see cref="FlushAsync"/>,
/// <see cref="FsyncAsync"/>, <see cref="TruncateAsync"/> and <see cref="CloseAsync"/> of every handle that was open at
/// the time fails with EIO, and so does every later one: lost data is never reported as written.</item>
/// </list>
/// Not thread-affine: the FUSE layer may call a handle from several threads at once.
/// </summary>
public sealed class FileHandle : IAsyncDisposable
{
    private readonly ReplicaFsClient _client;
    private readonly OpenFile _file;
    private readonly int _errorBaseline;
    private long _nextSequentialOffset = -1;
    private int _sequentialReads;
    private int _closed;

    internal FileHandle(ReplicaFsClient client, OpenFile file, int errorBaseline, InodeAttributes attributes)
    {
        _client = client;
        _file = file;
        _errorBaseline = errorBaseline;
        Attributes = attributes;
    }

    /// <summary>The file.</summary>
    public long Ino => _file.Ino;

    /// <summary>The attributes fetched at open.</summary>
    public InodeAttributes Attributes { get; }

    /// <summary>The size as this client sees it: committed size, extended by writes not yet committed.</summary>
    public long Size => _file.Size;

    /// <summary>Whether the handle was closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer at the end of the file.</summary>
    /// <exception cref="Quorum.QuorumException">A chunk could not be read with Qr agreeing replicas (EIO).</exception>
    public async Task<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();

        // Like the kernel's read-ahead: the second read in a row that continues the previous one starts streaming.
        int streak;
        if (offset == Interlocked.Read(ref _nextSequentialOffset))
        {
            streak = Interlocked.Increment(ref _sequentialReads);
        }
        else
        {
            Interlocked.Exchange(ref _sequentialReads, 1);
            streak = 1;
        }

        var count = await _file.ReadAsync(offset, buffer, streak >= 2, cancellationToken);
        Interlocked.Exchange(ref _nextSequentialOffset, offset + count);
        return count;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> into the write-behind buffer.</summary>
    /// <exception cref="PosixException">EIO: an earlier background flush of this file failed.</exception>
    public async Task WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        ThrowIfFailed();
        await _file.WriteAsync(offset, data, cancellationToken);
    }

    /// <summary>Writes every buffered chunk and waits until it is committed (FUSE flush).</summary>
    /// <exception cref="PosixException">EIO: this or an earlier flush of this file failed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await _file.FlushAsync(cancellationToken);
        ThrowIfFailed();
    }

    /// <summary>
    /// Like <see cref="FlushAsync"/>: a committed chunk is durable, because replicas acknowledge only after fsync and
    /// atomic rename, and the metadata server commits in its durable store.
    /// </summary>
    public Task FsyncAsync(CancellationToken cancellationToken = default) => FlushAsync(cancellationToken);

    /// <summary>Commits buffered writes, then sets the file size (growing reads as zeros, shrinking drops the tail).</summary>
    public async Task<InodeAttributes> TruncateAsync(long size, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ThrowIfClosed();
        ThrowIfFailed();
        var attributes = await _file.TruncateAsync(size, cancellationToken);
        ThrowIfFailed();
        return attributes;
    }

    /// <summary>Flushes and releases the handle (FUSE release). Closing twice does nothing the second time.</summary>
    /// <exception cref="PosixException">EIO: buffered data could not be written; the handle is released anyway.</exception>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            await _file.FlushAsync(cancellationToken);
            ThrowIfFailed();
        }
        finally
        {
            _client.Release(_file);
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>: a write-back failure is thrown rather than swallowed.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(IsClosed, this);

    private void ThrowIfFailed()
    {
        if (_file.ErrorAfter(_errorBaseline) is { } error)
        {
            throw new PosixException(Errno.EIO, $"An earlier background write of inode {Ino} failed, so data written through this handle was lost: {error.Message}", error);
        }
    }
}
