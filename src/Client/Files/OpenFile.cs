using System.Buffers;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Files;

/// <summary>
/// The state of one file that is open in this client, shared by all its handles (like a kernel inode): the cached
/// chunk map, whole-chunk read cache, and the write-behind buffer of dirty chunks.
/// <list type="bullet">
/// <item>Writes land in chunk-sized pooled buffers (paid from the global budget). A chunk that becomes full is sealed and
/// flushed in the background, up to <see cref="ReplicaFsClientOptions.MaxFlushesInFlight"/> batches at a time; a
/// writer waits while <see cref="ReplicaFsClientOptions.MaxFlushingBytesPerFile"/> are sealed or flushing.
/// Flush/Fsync/Close seal and flush partial chunks too; beyond <see cref="ReplicaFsClientOptions.MaxDirtyBytesPerFile"/>
/// and under budget pressure the least recently written partial chunks are flushed first.</item>
/// <item>Reads see this client's writes (dirty bytes over committed bytes), sequential reads pull whole chunks and
/// read ahead.</item>
/// <item>A failed background flush is recorded; every handle open at that time fails its next write, flush, fsync and
/// close (and every one after) with EIO.</item>
/// </list>
/// </summary>
internal sealed class OpenFile : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, DirtyChunk> _dirty = [];
    private readonly Queue<DirtyChunk> _sealed = new();
    private readonly List<Exception> _errors = [];
    private readonly ChunkedFileIo _io;
    private readonly QuorumReader _reader;
    private readonly INamespaceApi _namespace;
    private readonly BufferBudget _budget;
    private readonly ReplicaFsClientOptions _options;
    private readonly ILogger _logger;
    private readonly ChunkLayout _layout;
    private readonly ChunkCache _cache;
    private readonly BlockCache _blocks;
    private readonly int _readAheadChunks;
    private int _flushesInFlight;
    private long _openDirtyBytes;
    private long _flushingBytes;
    private long _writeClock;

    public OpenFile(long ino, IMetadataApi meta, ChunkedFileIo io, QuorumReader reader, BufferBudget budget, ReplicaFsClientOptions options, ILogger logger)
    {
        Ino = ino;
        _io = io;
        _reader = reader;
        _namespace = meta;
        _budget = budget;
        _options = options;
        _logger = logger;
        _layout = io.Layout;
        Map = new ChunkMapCache(meta, ino, _layout.ChunkSize);
        _readAheadChunks = (int)Math.Min(64, options.ReadAheadBytes / _layout.ChunkSize);
        _cache = new ChunkCache(budget, _layout.ChunkSize, _readAheadChunks + 2);
        _blocks = new BlockCache(budget, _layout.ChunkSize, (int)Math.Min(int.MaxValue, options.RandomReadCacheBytes / _layout.ChunkSize));
        _budget.Pressure += OnBudgetPressure;
    }

    /// <summary>The file.</summary>
    public long Ino { get; }

    /// <summary>Handles open on this file (guarded by the client's registry).</summary>
    public int References { get; set; }

    /// <summary>The cached chunk map.</summary>
    public ChunkMapCache Map { get; }

    /// <summary>Failed background flushes so far.</summary>
    public int ErrorCount
    {
        get
        {
            lock (_gate)
            {
                return _errors.Count;
            }
        }
    }

    /// <summary>The file size as this client sees it: committed size, extended by dirty bytes.</summary>
    public long Size
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(Map.Size, DirtyEndLocked());
            }
        }
    }

    /// <summary>Dirty chunks held (open, sealed or flushing).</summary>
    public int DirtyChunks
    {
        get
        {
            lock (_gate)
            {
                return _dirty.Count;
            }
        }
    }

    /// <summary>Whole chunks held by the read cache.</summary>
    public int CachedChunks => _cache.Count;

    /// <summary>Chunks of which the random-read cache holds blocks.</summary>
    public int CachedBlockChunks => _blocks.Count;

    /// <summary>The first failure after <paramref name="baseline"/> failures, if any.</summary>
    public Exception? ErrorAfter(int baseline)
    {
        lock (_gate)
        {
            return _errors.Count > baseline ? _errors[baseline] : null;
        }
    }

    /// <summary>Close-to-open: at every open, the attributes and the chunk map are fetched afresh.</summary>
    public async Task<InodeAttributes> RefreshAsync(CancellationToken cancellationToken)
    {
        var attributes = await _namespace.GetAttributesAsync(Ino, cancellationToken);
        if (attributes.Kind != FileKind.File)
        {
            throw new PosixException(attributes.Kind == FileKind.Directory ? Errno.EISDIR : Errno.EINVAL, $"Inode {Ino} is not a regular file.");
        }

        Map.Reset(attributes.Size);
        _cache.Clear();
        _blocks.Clear();
        await Map.EnsureAsync(0);
        return attributes;
    }

    /// <summary>Reads through the dirty buffers, the chunk cache and quorum reads; returns the count (short at end of file).</summary>
    public async Task<int> ReadAsync(long offset, Memory<byte> buffer, bool sequential, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var size = Size;
        if (buffer.IsEmpty || offset >= size)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, size - offset);
        var wholeChunks = sequential && _readAheadChunks > 0;
        var segments = _layout.Segments(offset, count).ToList();
        if (wholeChunks)
        {
            _cache.DropBefore(segments[0].Index);
        }

        await ChunkedFileIo.ForEachAsync(segments, _options.MaxChunksInFlight, (segment, ct) =>
            ReadSegmentAsync(segment, buffer.Slice((int)segment.BufferOffset, segment.Length), size, wholeChunks, ct), cancellationToken);

        if (wholeChunks)
        {
            await ReadAheadAsync(segments[^1].Index + 1, size);
        }

        return count;
    }

    /// <summary>Buffers a write; full chunks start flushing in the background.</summary>
    public async Task WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        foreach (var segment in _layout.Segments(offset, data.Length))
        {
            var bytes = data.Slice((int)segment.BufferOffset, segment.Length);
            while (true)
            {
                DirtyChunk? busy = null;
                var applied = false;
                lock (_gate)
                {
                    if (_dirty.TryGetValue(segment.Index, out var dirty))
                    {
                        if (dirty.State == DirtyState.Open)
                        {
                            ApplyLocked(dirty, segment, bytes.Span);
                            applied = true;
                        }
                        else
                        {
                            busy = dirty;
                        }
                    }
                }

                if (applied)
                {
                    break;
                }

                if (busy is not null)
                {
                    // The chunk is being committed: the next version builds on it.
                    await busy.Done.Task.WaitAsync(cancellationToken);
                    continue;
                }

                await WaitForFlushRoomAsync(cancellationToken);
                var chunkBuffer = ChunkBuffer.TryRent(_budget, _layout.ChunkSize);
                if (chunkBuffer is null)
                {
                    // Waiting for the budget raises pressure, which makes files seal their least recently written chunks.
                    Pump();
                    chunkBuffer = await ChunkBuffer.RentAsync(_budget, _layout.ChunkSize, cancellationToken);
                }

                lock (_gate)
                {
                    if (!_dirty.ContainsKey(segment.Index))
                    {
                        var dirty = new DirtyChunk(segment.Index, chunkBuffer);
                        _dirty.Add(segment.Index, dirty);
                        _openDirtyBytes += _layout.ChunkSize;
                        ApplyLocked(dirty, segment, bytes.Span);
                        applied = true;
                    }
                }

                if (applied)
                {
                    break;
                }

                chunkBuffer.Dispose();
            }
        }

        lock (_gate)
        {
            SealLeastRecentLocked(_openDirtyBytes - _options.MaxDirtyBytesPerFile);
        }

        Pump();
    }

    /// <summary>Seals every dirty chunk and waits until all of them are committed or failed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<Task> waits;
        lock (_gate)
        {
            foreach (var dirty in _dirty.Values)
            {
                if (dirty.State == DirtyState.Open)
                {
                    SealLocked(dirty);
                }
            }

            waits = _dirty.Values.Select(d => d.Done.Task).ToList();
        }

        Pump();
        await Task.WhenAll(waits).WaitAsync(cancellationToken);
    }

    /// <summary>Commits what was written, then truncates (setattr size) and updates the caches the same way meta does.</summary>
    public async Task<InodeAttributes> TruncateAsync(long size, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var attributes = await _namespace.SetAttributesAsync(Ino, new SetAttributesRequest(Size: size), cancellationToken);
        ApplyTruncate(attributes.Size);
        return attributes;
    }

    /// <summary>Applies a truncate that was done at the metadata server.</summary>
    public void ApplyTruncate(long size)
    {
        lock (_gate)
        {
            Map.ApplyTruncate(size);
            _cache.Clear();
            _blocks.Clear();
        }
    }

    /// <summary>Drops cached committed data: another path of this client changed the file, which now has <paramref name="size"/> bytes.</summary>
    public void InvalidateCaches(long size)
    {
        _cache.Clear();
        _blocks.Clear();
        Map.Reset(size);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _budget.Pressure -= OnBudgetPressure;
        _cache.Dispose();
        _blocks.Dispose();
        lock (_gate)
        {
            foreach (var dirty in _dirty.Values.Where(d => d.State != DirtyState.Flushing))
            {
                dirty.Buffer.Dispose();
                dirty.Done.TrySetResult();
            }

            _dirty.Clear();
            _sealed.Clear();
        }
    }

    private async Task ReadSegmentAsync(ChunkSegment segment, Memory<byte> target, long size, bool wholeChunk, CancellationToken cancellationToken)
    {
        await Map.EnsureAsync(segment.Index);
        ByteRanges? keep = null;
        var chunk = Map.Peek(segment.Index);
        lock (_gate)
        {
            if (_dirty.TryGetValue(segment.Index, out var dirty))
            {
                keep = new ByteRanges();
                foreach (var part in dirty.Dirty.Intersect(segment.ChunkOffset, segment.ChunkEnd))
                {
                    dirty.Buffer.Span[part.Start..part.End].CopyTo(target.Span[(part.Start - segment.ChunkOffset)..]);
                    keep.Add(part.Start, part.End);
                }

                if (keep.Covers(segment.ChunkOffset, segment.ChunkEnd))
                {
                    return;
                }
            }
        }

        for (var attempt = 1; chunk is not null; attempt++)
        {
            var readable = ChunkExtent.ReadableLength(chunk, segment.Index, _layout.ChunkSize, size);
            var entry = _cache.Get(chunk, readable, wholeChunk ? e => LoadAsync(chunk, e) : null);
            if (entry is null)
            {
                break;
            }

            try
            {
                await entry.Ready.WaitAsync(cancellationToken);
            }
            catch (ChunkChangedException ex)
            {
                if (attempt >= 3)
                {
                    throw new PosixException(Errno.EIO, $"Chunk {segment.Index} of inode {Ino} kept changing while it was read.", ex);
                }

                chunk = await Map.RefreshAsync(segment.Index, cancellationToken);
                continue;
            }
            catch (PosixException) when (!wholeChunk)
            {
                // A read-ahead that failed: read directly, which reports its own error.
                _cache.Invalidate(segment.Index);
                break;
            }

            if (_cache.TryCopy(entry, segment.ChunkOffset, segment.ChunkEnd, target.Span, keep))
            {
                return;
            }
        }

        if (!wholeChunk && keep is null && chunk is not null && _blocks.Enabled)
        {
            try
            {
                await ReadBlocksAsync(chunk, segment, target, size, cancellationToken);
                return;
            }
            catch (ChunkChangedException)
            {
                chunk = await Map.RefreshAsync(segment.Index, cancellationToken);
            }
        }

        await _io.ReadSegmentAsync(Ino, chunk, segment, target, size, keep, Map.RefreshAsync, cancellationToken);
    }

    /// <summary>
    /// A random read through the block cache: served from verified blocks held, else the blocks it touches are read
    /// with a quorum read (the same block-aligned range a direct read fetches) and kept.
    /// </summary>
    /// <exception cref="ChunkChangedException">The chunk's committed version changed since the map was read.</exception>
    private async Task ReadBlocksAsync(Contracts.Chunks.ChunkInfo chunk, ChunkSegment segment, Memory<byte> target, long size, CancellationToken cancellationToken)
    {
        var readable = ChunkExtent.ReadableLength(chunk, segment.Index, _layout.ChunkSize, size);
        var dataEnd = Math.Min(segment.ChunkEnd, readable);
        if (dataEnd > segment.ChunkOffset && !_blocks.TryCopy(chunk, segment.ChunkOffset, dataEnd, target.Span))
        {
            const int BlockSize = Contracts.Chunks.ChunkChecksum.BlockSize;
            var start = segment.ChunkOffset / BlockSize * BlockSize;
            var end = (int)Math.Min((dataEnd + (long)BlockSize - 1) / BlockSize * BlockSize, readable);
            var staging = ArrayPool<byte>.Shared.Rent(end - start);
            try
            {
                await _reader.ReadAsync(Ino, chunk, new MemoryDestination(staging.AsMemory(0, end - start), start), cancellationToken);
                _blocks.Store(chunk, start, staging.AsSpan(0, end - start));
                staging.AsSpan(segment.ChunkOffset - start, dataEnd - segment.ChunkOffset).CopyTo(target.Span);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(staging);
            }
        }

        target.Span[Math.Max(0, dataEnd - segment.ChunkOffset)..].Clear();
    }

    private Task LoadAsync(Contracts.Chunks.ChunkInfo chunk, ChunkCache.Entry entry) =>
        _reader.ReadAsync(Ino, chunk, new MemoryDestination(entry.Buffer.Memory[..entry.Length], 0), CancellationToken.None);

    private async Task ReadAheadAsync(long firstIndex, long size)
    {
        var lastIndex = Math.Min(firstIndex + _readAheadChunks - 1, _layout.IndexOf(Math.Max(0, size - 1)));
        for (var index = firstIndex; index <= lastIndex; index++)
        {
            if (_cache.Contains(index))
            {
                continue;
            }

            await Map.EnsureAsync(index);
            var chunk = Map.Peek(index);
            bool dirty;
            lock (_gate)
            {
                dirty = _dirty.ContainsKey(index);
            }

            if (chunk is null || dirty)
            {
                continue;
            }

            var readable = ChunkExtent.ReadableLength(chunk, index, _layout.ChunkSize, size);
            if (_cache.Get(chunk, readable, e => LoadAsync(chunk, e)) is null)
            {
                // No room in the budget right now: read-ahead waits for nobody.
                return;
            }
        }
    }

    private void ApplyLocked(DirtyChunk dirty, ChunkSegment segment, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(dirty.Buffer.Span[segment.ChunkOffset..]);
        dirty.Dirty.Add(segment.ChunkOffset, segment.ChunkEnd);
        dirty.LastWrite = ++_writeClock;
        _cache.Invalidate(segment.Index);
        _blocks.Invalidate(segment.Index);
        if (dirty.Dirty.Covers(0, _layout.ChunkSize))
        {
            SealLocked(dirty);
        }
    }

    private void SealLocked(DirtyChunk dirty)
    {
        dirty.State = DirtyState.Sealed;
        _sealed.Enqueue(dirty);
        _openDirtyBytes -= _layout.ChunkSize;
        _flushingBytes += _layout.ChunkSize;
    }

    /// <summary>Seals open chunks, least recently written first, until at least <paramref name="bytes"/> are sealed.</summary>
    private void SealLeastRecentLocked(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        var open = _dirty.Values.Where(d => d.State == DirtyState.Open).ToList();
        open.Sort((a, b) => a.LastWrite.CompareTo(b.LastWrite));
        foreach (var dirty in open)
        {
            if (bytes <= 0)
            {
                break;
            }

            SealLocked(dirty);
            bytes -= _layout.ChunkSize;
        }
    }

    /// <summary>Waits while this file has <see cref="ReplicaFsClientOptions.MaxFlushingBytesPerFile"/> sealed or flushing.</summary>
    private async Task WaitForFlushRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] flushing;
            lock (_gate)
            {
                if (_flushingBytes < _options.MaxFlushingBytesPerFile)
                {
                    return;
                }

                flushing = _dirty.Values.Where(d => d.State != DirtyState.Open).Select(d => d.Done.Task).ToArray();
            }

            if (flushing.Length == 0)
            {
                return;
            }

            Pump();
            await Task.WhenAny(flushing).WaitAsync(cancellationToken);
        }
    }

    private void Pump()
    {
        while (true)
        {
            List<DirtyChunk> batch;
            lock (_gate)
            {
                if (_sealed.Count == 0 || _flushesInFlight >= _options.MaxFlushesInFlight)
                {
                    return;
                }

                batch = [];
                while (_sealed.Count > 0 && batch.Count < _io.BatchChunks)
                {
                    var dirty = _sealed.Dequeue();
                    dirty.State = DirtyState.Flushing;
                    batch.Add(dirty);
                }

                _flushesInFlight++;
            }

            _ = Task.Run(() => FlushBatchAsync(batch));
        }
    }

    private async Task FlushBatchAsync(List<DirtyChunk> batch)
    {
        var writes = batch.Select(d => new ChunkWrite(d.Index, d.Buffer.Retain(), d.Dirty, Map.Peek(d.Index))).ToList();
        var minSize = batch.Max(d => _layout.StartOf(d.Index) + d.Dirty.End);
        Exception? failure = null;
        try
        {
            // Not cancellable by any caller: the bytes were accepted; every step is bounded by its own timeout.
            var result = await _io.Writer.WriteAsync(Ino, writes, minSize, CancellationToken.None);
            Map.ApplyCommit(result.Chunks, result.Attributes.Size);
        }
        catch (Exception ex)
        {
            failure = ex;
            ClientLog.BackgroundFlushFailed(_logger, Ino, ex);
        }
        finally
        {
            foreach (var write in writes)
            {
                write.Dispose();
            }

            lock (_gate)
            {
                foreach (var dirty in batch)
                {
                    if (_dirty.TryGetValue(dirty.Index, out var current) && ReferenceEquals(current, dirty))
                    {
                        _dirty.Remove(dirty.Index);
                    }
                }

                if (failure is not null)
                {
                    _errors.Add(failure);
                }

                _flushesInFlight--;
                _flushingBytes -= batch.Count * (long)_layout.ChunkSize;
            }

            foreach (var dirty in batch)
            {
                dirty.Buffer.Dispose();
                dirty.Done.TrySetResult();
            }
        }

        Pump();
    }

    private long DirtyEndLocked()
    {
        long end = 0;
        foreach (var dirty in _dirty.Values)
        {
            end = Math.Max(end, _layout.StartOf(dirty.Index) + dirty.Dirty.End);
        }

        return end;
    }

    private void OnBudgetPressure(object? sender, EventArgs e)
    {
        _cache.Clear();
        _blocks.Clear();
        lock (_gate)
        {
            // Flushes under way give their buffers back when they end (streaming writes); a file with none gives a quarter
            // of its partial chunks, the least recently written, so that a full budget is relieved in batches.
            if (_flushingBytes == 0)
            {
                SealLeastRecentLocked(Math.Max(_layout.ChunkSize, _openDirtyBytes / 4));
            }
        }

        Pump();
    }
}
