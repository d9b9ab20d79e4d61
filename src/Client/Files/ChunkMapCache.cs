using ReplicaFs.Client.Chunks;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Files;

/// <summary>
/// The chunk map of one open file, cached for close-to-open consistency: pages of
/// <see cref="ChunkedFileIo.MapPageChunks"/> chunks are fetched from the metadata server on first use after an open
/// (every open starts afresh), updated in place by this client's own commits and truncates, and refetched for a chunk
/// whose committed version turned out to have moved on. Other clients' commits become visible at the next open.
/// An answer fetched before a local update never overwrites that update (generation numbers).
/// </summary>
internal sealed class ChunkMapCache(IChunkMapApi meta, long ino, int chunkSize)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _chunks = [];
    private readonly Dictionary<long, Task> _pages = [];
    private long _size;
    private long _sizeGeneration;
    private long _generation;
    private long _epoch;

    /// <summary>The file size as last seen (committed), not counting dirty bytes.</summary>
    public long Size
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    /// <summary>Forgets everything (a new open); the size is set from fresh attributes.</summary>
    public void Reset(long size)
    {
        lock (_gate)
        {
            _chunks.Clear();
            _pages.Clear();
            _epoch++;
            _size = size;
            _sizeGeneration = ++_generation;
        }
    }

    /// <summary>Makes sure the page holding <paramref name="index"/> is loaded (shared by concurrent callers, so not cancellable by one of them).</summary>
    public async Task EnsureAsync(long index)
    {
        var page = index / ChunkedFileIo.MapPageChunks;
        while (true)
        {
            Task load;
            lock (_gate)
            {
                if (!_pages.TryGetValue(page, out load!) || load.IsFaulted || load.IsCanceled)
                {
                    load = LoadPageAsync(page);
                    _pages[page] = load;
                }
            }

            await load;
            lock (_gate)
            {
                // A reset (new open) while loading invalidates the answer: load again.
                if (_pages.TryGetValue(page, out var current) && ReferenceEquals(current, load))
                {
                    return;
                }
            }
        }
    }

    /// <summary>The cached chunk at <paramref name="index"/> (null: a hole, or not loaded).</summary>
    public ChunkInfo? Peek(long index)
    {
        lock (_gate)
        {
            return _chunks.TryGetValue(index, out var entry) ? entry.Chunk : null;
        }
    }

    /// <summary>Records chunks this client just committed and the size the commit reported.</summary>
    public void ApplyCommit(IReadOnlyList<ChunkInfo> chunks, long size)
    {
        lock (_gate)
        {
            var generation = ++_generation;
            foreach (var chunk in chunks)
            {
                if (!_chunks.TryGetValue(chunk.Index, out var existing) || existing.Chunk.ChunkId != chunk.ChunkId || existing.Chunk.Version <= chunk.Version)
                {
                    _chunks[chunk.Index] = new Entry(chunk, generation);
                }
            }

            _size = size;
            _sizeGeneration = generation;
        }
    }

    /// <summary>Applies a truncate to <paramref name="size"/>: chunks beyond are dropped, the boundary chunk is clamped.</summary>
    public void ApplyTruncate(long size)
    {
        lock (_gate)
        {
            var generation = ++_generation;
            foreach (var (index, entry) in _chunks.ToList())
            {
                var after = ChunkExtent.AfterTruncate(entry.Chunk, chunkSize, size);
                if (after is null)
                {
                    _chunks.Remove(index);
                }
                else if (!ReferenceEquals(after, entry.Chunk))
                {
                    _chunks[index] = new Entry(after, generation);
                }
            }

            _size = size;
            _sizeGeneration = generation;
        }
    }

    /// <summary>Fetches the chunk at <paramref name="index"/> (and the size) again, after a reader found it moved on.</summary>
    public async Task<ChunkInfo?> RefreshAsync(long index, CancellationToken cancellationToken)
    {
        long started;
        lock (_gate)
        {
            started = _generation;
        }

        var page = await meta.GetChunksAsync(ino, index, 1, cancellationToken);
        var chunk = page.Chunks.FirstOrDefault(c => c.Index == index);
        lock (_gate)
        {
            Merge(index, chunk, started);
            if (_sizeGeneration <= started)
            {
                _size = page.Size;
            }

            return _chunks.TryGetValue(index, out var entry) ? entry.Chunk : null;
        }
    }

    private async Task LoadPageAsync(long page)
    {
        long started;
        long epoch;
        lock (_gate)
        {
            started = _generation;
            epoch = _epoch;
        }

        var first = page * ChunkedFileIo.MapPageChunks;
        var answer = await meta.GetChunksAsync(ino, first, ChunkedFileIo.MapPageChunks, CancellationToken.None);
        var byIndex = answer.Chunks.ToDictionary(c => c.Index);
        lock (_gate)
        {
            if (epoch != _epoch)
            {
                // Reset (a new open) happened meanwhile: this answer may predate it.
                return;
            }

            foreach (var index in _chunks.Keys.Where(i => i >= first && i < first + ChunkedFileIo.MapPageChunks).ToList())
            {
                if (!byIndex.ContainsKey(index))
                {
                    Merge(index, null, started);
                }
            }

            foreach (var chunk in answer.Chunks)
            {
                Merge(chunk.Index, chunk, started);
            }

            if (_sizeGeneration <= started)
            {
                _size = answer.Size;
            }
        }
    }

    private void Merge(long index, ChunkInfo? fetched, long started)
    {
        if (_chunks.TryGetValue(index, out var existing) && existing.Generation > started)
        {
            return;
        }

        if (fetched is null)
        {
            _chunks.Remove(index);
        }
        else
        {
            _chunks[index] = new Entry(fetched, 0);
        }
    }

    private readonly record struct Entry(ChunkInfo Chunk, long Generation);
}
