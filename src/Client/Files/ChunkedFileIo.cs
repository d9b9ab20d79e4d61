using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Files;

/// <summary>
/// Byte-range file I/O on top of chunks, without any caching: every call reads the chunk map of the range from the
/// metadata server, then reads chunks with quorum reads straight into the caller's memory (holes and bytes beyond a
/// chunk's length read as zeros, nothing past the file size is returned), or writes them with quorum writes in
/// batches (the rest of each chunk and the file's tail stay intact). Memory stays bounded by the buffer budget, so
/// files of any size work.
/// </summary>
internal sealed class ChunkedFileIo(IMetadataApi meta, QuorumReader reader, QuorumWriter writer, BufferBudget budget, ReplicaFsClientOptions options, int chunkSize)
{
    /// <summary>Most chunks asked for in one chunk-map request.</summary>
    public const int MapPageChunks = 1024;

    /// <summary>Attempts at reading a chunk whose committed version keeps changing under the reader.</summary>
    private const int ChangedChunkAttempts = 4;

    /// <summary>The chunk layout.</summary>
    public ChunkLayout Layout { get; } = new(chunkSize);

    /// <summary>The writer.</summary>
    public QuorumWriter Writer => writer;

    /// <summary>Chunks per write batch: bounded by the option and by a quarter of the budget (two batches may be in flight).</summary>
    public int BatchChunks => (int)Math.Clamp(budget.Capacity / chunkSize / 4, 1, options.MaxBatchChunks);

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; returns the count (short at end of file).</summary>
    public async Task<int> ReadAsync(long ino, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var first = Layout.IndexOf(offset);
        var last = Layout.IndexOf(offset + buffer.Length - 1);
        var (size, chunks) = await GetChunksAsync(ino, first, last, cancellationToken);
        if (offset >= size)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, size - offset);
        await ForEachAsync(Layout.Segments(offset, count).ToList(), options.MaxChunksInFlight, (segment, ct) =>
            ReadSegmentAsync(ino, chunks.GetValueOrDefault(segment.Index), segment, buffer.Slice((int)segment.BufferOffset, segment.Length), size, null, null, ct), cancellationToken);
        return count;
    }

    /// <summary>
    /// Reads one segment of one chunk into <paramref name="target"/>: committed bytes from the replicas where the chunk
    /// has them, zeros elsewhere. Offsets in <paramref name="keep"/> are left untouched (they hold newer bytes).
    /// A chunk that changed under the reader is looked up again (through <paramref name="refresh"/> when given) and
    /// read again.
    /// </summary>
    public async Task ReadSegmentAsync(long ino, ChunkInfo? chunk, ChunkSegment segment, Memory<byte> target, long fileSize, ByteRanges? keep, Func<long, CancellationToken, Task<ChunkInfo?>>? refresh, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var readable = ChunkExtent.ReadableLength(chunk, segment.Index, chunkSize, fileSize);
            var dataEnd = Math.Min(segment.ChunkEnd, readable);
            try
            {
                if (chunk is not null && segment.ChunkOffset < dataEnd)
                {
                    ChunkDestination destination = keep is null
                        ? new MemoryDestination(target[..(dataEnd - segment.ChunkOffset)], segment.ChunkOffset)
                        : new MergeDestination(target, segment.ChunkOffset, keep, segment.ChunkOffset, dataEnd);
                    await reader.ReadAsync(ino, chunk, destination, cancellationToken);
                }
            }
            catch (ChunkChangedException ex)
            {
                if (attempt >= ChangedChunkAttempts)
                {
                    throw new PosixException(Errno.EIO, $"Chunk {segment.Index} of inode {ino} kept changing while it was read ({attempt} attempts).", ex);
                }

                if (refresh is not null)
                {
                    chunk = await refresh(segment.Index, cancellationToken);
                }
                else
                {
                    var page = await meta.GetChunksAsync(ino, segment.Index, 1, cancellationToken);
                    chunk = page.Chunks.FirstOrDefault(c => c.Index == segment.Index);
                    fileSize = page.Size;
                }

                continue;
            }

            ZeroFill(target, segment, Math.Max(segment.ChunkOffset, dataEnd), keep);
            return;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/>: each touched chunk gets the new bytes over its
    /// committed content, in batches of <see cref="BatchChunks"/> chunks, two batches in flight. Returns the file's
    /// attributes after the last commit.
    /// </summary>
    public async Task<InodeAttributes?> WriteAsync(long ino, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (data.IsEmpty)
        {
            return null;
        }

        var segments = Layout.Segments(offset, data.Length).ToList();

        // Only the first and the last chunk can be partly written; knowing their committed state saves a lookup
        // each (a hint: the lease decides).
        Dictionary<long, ChunkInfo> known = [];
        foreach (var partial in segments.Where(s => s.Length < chunkSize).Select(s => s.Index).Distinct())
        {
            var page = await meta.GetChunksAsync(ino, partial, 1, cancellationToken);
            foreach (var chunk in page.Chunks)
            {
                known[chunk.Index] = chunk;
            }
        }

        var batches = segments.Chunk(BatchChunks).ToList();
        InodeAttributes? attributes = null;
        using var slots = new SemaphoreSlim(2);
        var running = new List<Task<InodeAttributes>>();
        try
        {
            foreach (var batch in batches)
            {
                await slots.WaitAsync(cancellationToken);
                running.Add(WriteBatchAsync(ino, batch, offset, data, known, slots, cancellationToken));
            }

            foreach (var result in await Task.WhenAll(running))
            {
                if (attributes is null || result.Size >= attributes.Size)
                {
                    attributes = result;
                }
            }
        }
        catch
        {
            // Let every started batch finish before the caller may reuse its memory.
            await Task.WhenAll(running.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));
            throw;
        }

        return attributes;
    }

    /// <summary>
    /// The file size and the chunks with index in [<paramref name="first"/>, <paramref name="last"/>], fetched in
    /// pages of at most <see cref="MapPageChunks"/> chunks (absent indexes are holes).
    /// </summary>
    public async Task<(long Size, Dictionary<long, ChunkInfo> Chunks)> GetChunksAsync(long ino, long first, long last, CancellationToken cancellationToken)
    {
        var chunks = new Dictionary<long, ChunkInfo>();
        long size = 0;
        for (var from = first; from <= last; from += MapPageChunks)
        {
            var count = (int)Math.Min(MapPageChunks, last - from + 1);
            var page = await meta.GetChunksAsync(ino, from, count, cancellationToken);
            size = page.Size;
            foreach (var chunk in page.Chunks)
            {
                chunks[chunk.Index] = chunk;
            }
        }

        return (size, chunks);
    }

    private async Task<InodeAttributes> WriteBatchAsync(long ino, ChunkSegment[] batch, long offset, ReadOnlyMemory<byte> data, Dictionary<long, ChunkInfo> known, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var writes = new List<ChunkWrite>(batch.Length);
        try
        {
            // One grant for the whole batch, so that concurrent batches never hold part of what they need.
            var grant = await budget.AcquireAsync((long)batch.Length * chunkSize, cancellationToken);
            try
            {
                foreach (var segment in batch)
                {
                    var buffer = ChunkBuffer.FromGrant(ref grant, chunkSize);
                    data.Span.Slice((int)segment.BufferOffset, segment.Length).CopyTo(buffer.Span[segment.ChunkOffset..]);
                    var dirty = new ByteRanges();
                    dirty.Add(segment.ChunkOffset, segment.ChunkEnd);
                    writes.Add(new ChunkWrite(segment.Index, buffer, dirty, known.GetValueOrDefault(segment.Index)));
                }
            }
            finally
            {
                grant.Dispose();
            }

            var end = offset + batch[^1].BufferOffset + batch[^1].Length;
            var result = await writer.WriteAsync(ino, writes, end, cancellationToken);
            return result.Attributes;
        }
        finally
        {
            foreach (var write in writes)
            {
                write.Dispose();
            }

            slots.Release();
        }
    }

    private static void ZeroFill(Memory<byte> target, ChunkSegment segment, int from, ByteRanges? keep)
    {
        if (from >= segment.ChunkEnd)
        {
            return;
        }

        if (keep is null)
        {
            target.Span[(from - segment.ChunkOffset)..].Clear();
            return;
        }

        foreach (var gap in keep.Gaps(from, segment.ChunkEnd))
        {
            target.Span.Slice(gap.Start - segment.ChunkOffset, gap.Length).Clear();
        }
    }

    /// <summary>Runs <paramref name="work"/> for every item, at most <paramref name="parallelism"/> at a time; the first failure wins.</summary>
    internal static async Task ForEachAsync<T>(IReadOnlyList<T> items, int parallelism, Func<T, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (items.Count == 1)
        {
            await work(items[0], cancellationToken);
            return;
        }

        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (item, ct) => await work(item, ct));
    }
}
