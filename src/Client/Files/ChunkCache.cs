using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Files;

/// <summary>
/// Whole committed chunks of one open file held in memory: filled by sequential reads and read-ahead, so that many
/// small sequential reads cost one quorum read per chunk. Bounded in entries and paid for from the buffer budget
/// (an entry is only created when the budget has room right now, and the whole cache is dropped under pressure).
/// Entries are keyed by chunk id and version, so a newer commit never serves old bytes; writes invalidate them.
/// </summary>
internal sealed class ChunkCache(BufferBudget budget, int chunkSize, int capacity) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _lru = new();
    private readonly Dictionary<long, LinkedListNode<Entry>> _byIndex = [];

    /// <summary>Entries held (for tests and diagnostics).</summary>
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
    /// The entry for <paramref name="chunk"/> if one exists; else, when <paramref name="start"/> is given and the
    /// budget has room, a new entry whose bytes <paramref name="start"/> loads. Null: not cached.
    /// </summary>
    public Entry? Get(ChunkInfo chunk, int readable, Func<Entry, Task>? start)
    {
        Entry? created = null;
        lock (_gate)
        {
            if (_byIndex.TryGetValue(chunk.Index, out var node))
            {
                var existing = node.Value;
                if (existing.ChunkId == chunk.ChunkId && existing.Version == chunk.Version && existing.Length >= readable && !existing.Ready.IsFaulted && !existing.Ready.IsCanceled)
                {
                    _lru.Remove(node);
                    _lru.AddFirst(node);
                    return existing;
                }

                RemoveLocked(node);
            }

            if (start is null || readable <= 0)
            {
                return null;
            }

            var buffer = ChunkBuffer.TryRent(budget, chunkSize);
            if (buffer is null)
            {
                return null;
            }

            created = new Entry(chunk.Index, chunk.ChunkId, chunk.Version, readable, buffer);
            _byIndex[chunk.Index] = _lru.AddFirst(created);
            while (_byIndex.Count > capacity && _lru.Last is { } oldest && !ReferenceEquals(oldest.Value, created))
            {
                RemoveLocked(oldest);
            }
        }

        created.Track(start(created));
        return created;
    }

    /// <summary>Whether <paramref name="index"/> has an entry (loaded or loading).</summary>
    public bool Contains(long index)
    {
        lock (_gate)
        {
            return _byIndex.ContainsKey(index);
        }
    }

    /// <summary>
    /// Copies chunk bytes [<paramref name="start"/>, <paramref name="end"/>) of a loaded entry into
    /// <paramref name="target"/> (whose first byte is chunk offset <paramref name="start"/>), skipping offsets in
    /// <paramref name="keep"/>, zeros past the entry's length. False if the entry was dropped meanwhile.
    /// </summary>
    public bool TryCopy(Entry entry, int start, int end, Span<byte> target, ByteRanges? keep)
    {
        lock (_gate)
        {
            if (entry.Evicted || !entry.Ready.IsCompletedSuccessfully)
            {
                return false;
            }

            var source = entry.Buffer.Span;
            if (keep is null)
            {
                Copy(source, entry.Length, start, end, start, target);
            }
            else
            {
                foreach (var gap in keep.Gaps(start, end))
                {
                    Copy(source, entry.Length, gap.Start, gap.End, start, target);
                }
            }

            return true;
        }
    }

    /// <summary>Drops the entry of chunk <paramref name="index"/> (its bytes are being overwritten).</summary>
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

    /// <summary>Drops the entries of chunks before <paramref name="index"/>: a sequential reader has moved past them.</summary>
    public void DropBefore(long index)
    {
        lock (_gate)
        {
            foreach (var node in _byIndex.Values.Where(n => n.Value.Index < index).ToList())
            {
                RemoveLocked(node);
            }
        }
    }

    /// <summary>Drops every entry.</summary>
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

    private static void Copy(ReadOnlySpan<byte> source, int length, int from, int to, int targetStart, Span<byte> target)
    {
        var dataEnd = Math.Min(to, length);
        if (from < dataEnd)
        {
            source[from..dataEnd].CopyTo(target[(from - targetStart)..]);
        }

        var zeroFrom = Math.Max(from, dataEnd);
        if (zeroFrom < to)
        {
            target[(zeroFrom - targetStart)..(to - targetStart)].Clear();
        }
    }

    private void RemoveLocked(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _byIndex.Remove(node.Value.Index);
        node.Value.Evict();
    }

    /// <summary>One cached chunk.</summary>
    internal sealed class Entry(long index, long chunkId, long version, int length, ChunkBuffer buffer)
    {
        private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _evicted;
        private int _released;

        public long Index { get; } = index;

        public long ChunkId { get; } = chunkId;

        public long Version { get; } = version;

        /// <summary>Readable bytes held, from chunk offset 0.</summary>
        public int Length { get; } = length;

        public ChunkBuffer Buffer { get; } = buffer;

        /// <summary>Completes when the bytes are loaded and verified (faults when the load failed).</summary>
        public Task Ready => _loaded.Task;

        public bool Evicted => _evicted;

        /// <summary>Follows the load: its outcome becomes <see cref="Ready"/>'s.</summary>
        public void Track(Task load)
        {
            _ = load.ContinueWith(
                static (t, state) =>
                {
                    var entry = (Entry)state!;
                    if (t.IsCompletedSuccessfully)
                    {
                        entry._loaded.TrySetResult();
                    }
                    else if (t.IsCanceled)
                    {
                        entry._loaded.TrySetCanceled();
                    }
                    else
                    {
                        entry._loaded.TrySetException(t.Exception!.InnerExceptions);
                    }

                    if (entry._evicted)
                    {
                        entry.Release();
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        /// <summary>Marks the entry dropped; its memory goes back once no load writes into it.</summary>
        public void Evict()
        {
            _evicted = true;
            if (Ready.IsCompleted)
            {
                Release();
            }
        }

        private void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Buffer.Dispose();
            }
        }
    }
}
