namespace ReplicaFs.Client.Chunks;

/// <summary>
/// A set of byte offsets inside one chunk, kept as sorted, disjoint, non-adjacent half-open ranges
/// [Start, End). Used for the dirty (written but not yet committed) parts of a chunk buffer.
/// </summary>
internal sealed class ByteRanges
{
    private readonly List<ByteRange> _ranges = [];

    /// <summary>The ranges, sorted and merged.</summary>
    public IReadOnlyList<ByteRange> Ranges => _ranges;

    /// <summary>Whether no byte is in the set.</summary>
    public bool IsEmpty => _ranges.Count == 0;

    /// <summary>One past the highest offset in the set (0 when empty).</summary>
    public int End => _ranges.Count == 0 ? 0 : _ranges[^1].End;

    /// <summary>Number of bytes in the set.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            foreach (var range in _ranges)
            {
                total += range.Length;
            }

            return total;
        }
    }

    /// <summary>Adds [<paramref name="start"/>, <paramref name="end"/>), merging with overlapping or adjacent ranges.</summary>
    public void Add(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        if (start == end)
        {
            return;
        }

        // First range that ends at or after start (it may touch or overlap the new one).
        var first = 0;
        while (first < _ranges.Count && _ranges[first].End < start)
        {
            first++;
        }

        var last = first;
        var mergedStart = start;
        var mergedEnd = end;
        while (last < _ranges.Count && _ranges[last].Start <= end)
        {
            mergedStart = Math.Min(mergedStart, _ranges[last].Start);
            mergedEnd = Math.Max(mergedEnd, _ranges[last].End);
            last++;
        }

        _ranges.RemoveRange(first, last - first);
        _ranges.Insert(first, new ByteRange(mergedStart, mergedEnd));
    }

    /// <summary>Whether every offset of [<paramref name="start"/>, <paramref name="end"/>) is in the set.</summary>
    public bool Covers(int start, int end)
    {
        if (start >= end)
        {
            return true;
        }

        foreach (var range in _ranges)
        {
            if (range.Start <= start && range.End >= end)
            {
                return true;
            }

            if (range.Start > start)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The parts of [<paramref name="start"/>, <paramref name="end"/>) that are not in the set, in order.</summary>
    public List<ByteRange> Gaps(int start, int end)
    {
        var gaps = new List<ByteRange>();
        var position = start;
        foreach (var range in _ranges)
        {
            if (position >= end)
            {
                break;
            }

            if (range.End <= position)
            {
                continue;
            }

            if (range.Start > position)
            {
                gaps.Add(new ByteRange(position, Math.Min(range.Start, end)));
            }

            position = Math.Max(position, range.End);
        }

        if (position < end)
        {
            gaps.Add(new ByteRange(position, end));
        }

        return gaps;
    }

    /// <summary>The parts of the set inside [<paramref name="start"/>, <paramref name="end"/>), in order.</summary>
    public List<ByteRange> Intersect(int start, int end)
    {
        var parts = new List<ByteRange>();
        foreach (var range in _ranges)
        {
            var s = Math.Max(range.Start, start);
            var e = Math.Min(range.End, end);
            if (s < e)
            {
                parts.Add(new ByteRange(s, e));
            }
        }

        return parts;
    }

    /// <summary>Drops every offset at or above <paramref name="length"/>.</summary>
    public void TruncateTo(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        for (var i = _ranges.Count - 1; i >= 0; i--)
        {
            var range = _ranges[i];
            if (range.Start >= length)
            {
                _ranges.RemoveAt(i);
            }
            else if (range.End > length)
            {
                _ranges[i] = range with { End = length };
            }
        }
    }

    /// <summary>Empties the set.</summary>
    public void Clear() => _ranges.Clear();
}

/// <summary>A half-open byte range [Start, End) inside a chunk.</summary>
internal readonly record struct ByteRange(int Start, int End)
{
    /// <summary>Number of bytes.</summary>
    public int Length => End - Start;
}
