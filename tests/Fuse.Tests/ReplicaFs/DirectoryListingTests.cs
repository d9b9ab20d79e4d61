using System.Diagnostics;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Fuse.ReplicaFs;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>The remainder of a directory page kept between two readdirs of one opendir.</summary>
public sealed class DirectoryListingTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_fresh_remainder_continues_exactly_where_the_last_readdir_stopped_and_only_once()
    {
        var listing = new DirectoryListing();
        IReadOnlyList<DirectoryEntry> entries = [];
        var fetchedAt = Stopwatch.GetTimestamp();
        listing.Keep(after: 41, entries, start: 3, isLast: true, fetchedAt);

        Assert.False(listing.TryTake(40, MaxAge, out _, out _, out _, out _));
        listing.Keep(after: 41, entries, start: 3, isLast: true, fetchedAt);
        Assert.True(listing.TryTake(41, MaxAge, out var taken, out var start, out var isLast, out var takenAt));
        Assert.Same(entries, taken);
        Assert.Equal(3, start);
        Assert.True(isLast);
        Assert.Equal(fetchedAt, takenAt);
        Assert.False(listing.TryTake(41, MaxAge, out _, out _, out _, out _));
    }

    [Fact]
    public void A_remainder_older_than_the_limit_is_not_reused_however_recently_it_was_kept()
    {
        var listing = new DirectoryListing();
        IReadOnlyList<DirectoryEntry> entries = [];

        // Kept just now by a readdir, but fetched 1.2 s ago: the readdir that continues must fetch afresh.
        listing.Keep(after: 7, entries, start: 1, isLast: false, Stopwatch.GetTimestamp() - (long)(1.2 * Stopwatch.Frequency));
        Assert.False(listing.TryTake(7, MaxAge, out _, out _, out _, out _));
    }
}
