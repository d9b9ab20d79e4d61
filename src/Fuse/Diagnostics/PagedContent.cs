namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>
/// The bytes of an in-memory file in 4 KiB pages, allocated on first write, so that sparse files cost nothing.
/// Invariant: every byte at or beyond <see cref="Length"/> in an allocated page is zero (shrinking zeroes the tail),
/// so holes and extensions read as zeros without extra work.
/// </summary>
internal sealed class PagedContent
{
    public const int PageSize = 4096;

    private readonly Dictionary<long, byte[]> _pages = [];

    /// <summary>The file size.</summary>
    public long Length { get; private set; }

    /// <summary>Allocated pages (for st_blocks and the capacity count).</summary>
    public int PageCount => _pages.Count;

    /// <summary>Copies up to <paramref name="destination"/>.Length bytes from <paramref name="offset"/>; 0 at or past the end.</summary>
    public int Read(long offset, Span<byte> destination)
    {
        var count = (int)Math.Clamp(Length - offset, 0, destination.Length);
        var done = 0;
        while (done < count)
        {
            var position = offset + done;
            var within = (int)(position % PageSize);
            var chunk = Math.Min(PageSize - within, count - done);
            var target = destination.Slice(done, chunk);
            if (_pages.TryGetValue(position / PageSize, out var page))
            {
                page.AsSpan(within, chunk).CopyTo(target);
            }
            else
            {
                target.Clear();
            }

            done += chunk;
        }

        return count;
    }

    /// <summary>How many pages a write or allocation of <paramref name="length"/> bytes at <paramref name="offset"/> would add.</summary>
    public long MissingPages(long offset, long length)
    {
        if (length <= 0)
        {
            return 0;
        }

        var missing = 0L;
        for (var index = offset / PageSize; index <= (offset + length - 1) / PageSize; index++)
        {
            if (!_pages.ContainsKey(index))
            {
                missing++;
            }
        }

        return missing;
    }

    /// <summary>Writes <paramref name="source"/> at <paramref name="offset"/>, growing the file as needed.</summary>
    public void Write(long offset, ReadOnlySpan<byte> source)
    {
        var done = 0;
        while (done < source.Length)
        {
            var position = offset + done;
            var within = (int)(position % PageSize);
            var chunk = Math.Min(PageSize - within, source.Length - done);
            source.Slice(done, chunk).CopyTo(Page(position / PageSize).AsSpan(within, chunk));
            done += chunk;
        }

        Length = Math.Max(Length, offset + source.Length);
    }

    /// <summary>Allocates zeroed pages for a range (fallocate); extends the size unless <paramref name="keepSize"/>.</summary>
    public void Allocate(long offset, long length, bool keepSize)
    {
        for (var index = offset / PageSize; index <= (offset + length - 1) / PageSize; index++)
        {
            Page(index);
        }

        if (!keepSize)
        {
            Length = Math.Max(Length, offset + length);
        }
    }

    /// <summary>Sets the size; returns how many pages were freed.</summary>
    public int Truncate(long length)
    {
        var freed = 0;
        var firstDropped = (length + PageSize - 1) / PageSize;
        foreach (var index in _pages.Keys.Where(i => i >= firstDropped).ToList())
        {
            _pages.Remove(index);
            freed++;
        }

        var within = (int)(length % PageSize);
        if (within != 0 && _pages.TryGetValue(length / PageSize, out var last))
        {
            last.AsSpan(within).Clear();
        }

        Length = length;
        return freed;
    }

    private byte[] Page(long index)
    {
        if (!_pages.TryGetValue(index, out var page))
        {
            page = new byte[PageSize];
            _pages.Add(index, page);
        }

        return page;
    }
}
