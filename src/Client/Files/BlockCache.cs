using ReplicaFs.Client.Buffers;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Files;

/// <summary>
/// Verified blocks (<see cref="ChunkChecksum.BlockSize"/>) of committed chunks of one open file, kept for random reads:
/// a block fetched by a quorum read is served again from memory while the file stays open. Entries are keyed by chunk
/// id, version and length, so a newer commit never serves old bytes; writes, truncates and every open drop them
/// (close-to-open, like the rest of the open file's state). One chunk-sized buffer per chunk, paid for from the buffer
/// budget only when it has room right now (a cache never waits for memory), at most <c>capacity</c> chunks, least
/// recently used dropped first, everything dropped under budget pressure.
/// </summary>
internal sealed class BlockCache(BufferBudget budget, int chunkSize, int capacity) : IDisposable
{
    private const int BlockSize = ChunkChecksum.BlockSize;
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _lru = new();
    private readonly Dictionary<long, LinkedListNode<Entry>> _byIndex = [];

    /// <summary>Whether the cache may hold anything.</summary>
    public bool Enabled => capacity > 0;

    /// <summary>Chunks with an entry (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byIndex.Count;
            }
        }
    }

    /// <summary>
    /// Copies chunk bytes [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="chunk"/>'s committed
    /// version into <paramref name="target"/> if every block they touch is held; false otherwise (nothing copied).
    /// </summary>
    public bool TryCopy(ChunkInfo chunk, int start, int end, Span<byte> target)
    {
        lock (_gate)
        {
            if (!_byIndex.TryGetValue(chunk.Index, out var node) || !node.Value.Holds(chunk))
            {
                return false;
            }

            var entry = node.Value;
            for (var block = start / BlockSize; block <= (end - 1) / BlockSize; block++)
            {
                if (!entry.Has(block))
                {
                    return false;
                }
            }

            entry.Buffer.Span[start..end].CopyTo(target);
            _lru.Remove(node);
            _lru.AddFirst(node);
            return true;
        }
    }

    /// <summary>
    /// Keeps verified bytes of <paramref name="chunk"/>'s committed version that start at chunk offset
    /// <paramref name="start"/>: every whole block among them (the chunk's last block counts as whole up to the chunk's length).
    /// </summary>
    public void Store(ChunkInfo chunk, int start, ReadOnlySpan<byte> bytes)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_gate)
        {
            var entry = EntryLocked(chunk);
            if (entry is null)
            {
                return;
            }

            var end = start + bytes.Length;
            for (var block = (start + BlockSize - 1) / BlockSize; ; block++)
            {
                var blockStart = block * BlockSize;
                var blockEnd = (int)Math.Min(blockStart + (long)BlockSize, chunk.Length);
                if (blockStart >= blockEnd || blockEnd > end)
                {
                    break;
                }

                bytes[(blockStart - start)..(blockEnd - start)].CopyTo(entry.Buffer.Span[blockStart..]);
                entry.Add(block);
            }
        }
    }

    /// <summary>Drops what is held of chunk <paramref name="index"/> (its bytes are being overwritten).</summary>
    public void Invalidate(long index)
    {
        lock (_gate)
        {
            if (_byIndex.TryGetValue(index, out var node))
            {
                RemoveLocked(node);
            }
        }
    }

    /// <summary>Drops everything.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            while (_lru.First is { } node)
            {
                RemoveLocked(node);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => Clear();

    private Entry? EntryLocked(ChunkInfo chunk)
    {
        if (_byIndex.TryGetValue(chunk.Index, out var node))
        {
            if (node.Value.Holds(chunk))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value;
            }

            RemoveLocked(node);
        }

        while (_byIndex.Count >= capacity && _lru.Last is { } oldest)
        {
            RemoveLocked(oldest);
        }

        var buffer = ChunkBuffer.TryRent(budget, chunkSize);
        if (buffer is null)
        {
            return null;
        }

        var entry = new Entry(chunk.Index, chunk.ChunkId, chunk.Version, chunk.Length, buffer, (chunkSize + BlockSize - 1) / BlockSize);
        _byIndex[chunk.Index] = _lru.AddFirst(entry);
        return entry;
    }

    private void RemoveLocked(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _byIndex.Remove(node.Value.Index);
        node.Value.Buffer.Dispose();
    }

    private sealed class Entry(long index, long chunkId, long version, long length, ChunkBuffer buffer, int blocks)
    {
        private readonly ulong[] _present = new ulong[(blocks + 63) / 64];

        public long Index { get; } = index;

        public ChunkBuffer Buffer { get; } = buffer;

        public bool Holds(ChunkInfo chunk) => chunk.ChunkId == chunkId && chunk.Version == version && chunk.Length == length;

        public bool Has(int block) => (_present[block / 64] & (1UL << (block % 64))) != 0;

        public void Add(int block) => _present[block / 64] |= 1UL << (block % 64);
    }
}
