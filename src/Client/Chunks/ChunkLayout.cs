namespace ReplicaFs.Client.Chunks;

/// <summary>How a file's bytes map onto fixed-size chunks.</summary>
internal readonly struct ChunkLayout
{
    /// <summary>A layout of chunks of <paramref name="chunkSize"/> bytes.</summary>
    public ChunkLayout(int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ChunkSize = chunkSize;
    }

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize { get; }

    /// <summary>The chunk holding file offset <paramref name="offset"/>.</summary>
    public long IndexOf(long offset) => offset / ChunkSize;

    /// <summary>The file offset of the first byte of chunk <paramref name="index"/>.</summary>
    public long StartOf(long index) => index * ChunkSize;

    /// <summary>Number of chunks needed to hold <paramref name="size"/> bytes.</summary>
    public long ChunkCount(long size) => (size + ChunkSize - 1) / ChunkSize;

    /// <summary>The pieces of the file range [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>), one per chunk, in order.</summary>
    public SegmentEnumerable Segments(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new SegmentEnumerable(ChunkSize, offset, length);
    }

    /// <summary>Allocation-free enumeration of <see cref="ChunkSegment"/>s.</summary>
    public readonly struct SegmentEnumerable(int chunkSize, long offset, long length)
    {
        /// <summary>The enumerator.</summary>
        public SegmentEnumerator GetEnumerator() => new(chunkSize, offset, length);

        /// <summary>The segments as a list (for callers that need them more than once).</summary>
        public List<ChunkSegment> ToList()
        {
            var list = new List<ChunkSegment>();
            foreach (var segment in this)
            {
                list.Add(segment);
            }

            return list;
        }
    }

    /// <summary>Enumerator of <see cref="SegmentEnumerable"/>.</summary>
    public struct SegmentEnumerator(int chunkSize, long offset, long length)
    {
        private long _done = -1;

        /// <summary>The current segment.</summary>
        public ChunkSegment Current { get; private set; }

        /// <summary>Advances to the next segment.</summary>
        public bool MoveNext()
        {
            if (_done < 0)
            {
                _done = 0;
            }
            else
            {
                _done += Current.Length;
            }

            if (_done >= length)
            {
                return false;
            }

            var position = offset + _done;
            var index = position / chunkSize;
            var inChunk = (int)(position - (index * chunkSize));
            var take = (int)Math.Min(chunkSize - inChunk, length - _done);
            Current = new ChunkSegment(index, inChunk, take, _done);
            return true;
        }
    }
}
