using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// One opendir of a directory. A page fetched from the metadata server usually holds more entries than one reply
/// buffer takes; the rest waits here for the next readdir, which continues exactly where the kernel stopped. The
/// remainder is only reused while fresh, and only for the offset it continues from.
/// </summary>
internal sealed class DirectoryListing
{
    private readonly Lock _gate = new();
    private IReadOnlyList<DirectoryEntry>? _pending;
    private int _pendingStart;
    private long _pendingAfter = -1;
    private bool _pendingIsLast;
    private long _fetchedAt;

    /// <summary>
    /// The directory's version as of this opendir's first page (fetched from the start of the directory) and when that
    /// page was fetched; null until then.
    /// </summary>
    public (ContentVersion Version, long FetchedAt)? FirstPage { get; set; }

    /// <summary>The directory's readdir count when this listing was opened (kept by the node table).</summary>
    public long ReaddirsAtOpen { get; set; }

    /// <summary>Readdir replies this listing served (kept by the node table).</summary>
    public long OwnReaddirs { get; set; }

    /// <summary>
    /// The entries that follow cookie <paramref name="after"/>, if a recent fetch left them here; <paramref name="isLast"/>
    /// says whether they end the directory, <paramref name="fetchedAt"/> when they were fetched (their age does not restart).
    /// </summary>
    public bool TryTake(long after, TimeSpan maxAge, out IReadOnlyList<DirectoryEntry> entries, out int start, out bool isLast, out long fetchedAt)
    {
        lock (_gate)
        {
            var fresh = _pending is not null && _pendingAfter == after &&
                System.Diagnostics.Stopwatch.GetElapsedTime(_fetchedAt) <= maxAge;
            entries = fresh ? _pending! : [];
            start = fresh ? _pendingStart : 0;
            isLast = fresh && _pendingIsLast;
            fetchedAt = _fetchedAt;
            _pending = null;
            _pendingAfter = -1;
            return fresh;
        }
    }

    /// <summary>Keeps <paramref name="entries"/> from <paramref name="start"/> on for the readdir that continues after <paramref name="after"/>.</summary>
    public void Keep(long after, IReadOnlyList<DirectoryEntry> entries, int start, bool isLast, long fetchedAt)
    {
        lock (_gate)
        {
            _pending = entries;
            _pendingStart = start;
            _pendingAfter = after;
            _pendingIsLast = isLast;
            _fetchedAt = fetchedAt;
        }
    }
}
