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

    [Fact]
    public void A_complete_listing_is_recorded_only_when_every_readdir_since_its_opendir_was_its_own()
    {
        var nodes = new NodeTable();
        var version = new ContentVersion(0, new Timestamp(1, 0), new Timestamp(2, 0));
        var alone = new DirectoryListing { FirstPage = (version, 10) };
        nodes.ListingOpened(5, alone, keepCache: false);
        nodes.ListingServed(5, alone);
        nodes.ListingServed(5, alone);
        nodes.ListingCompleted(5, alone);
        Assert.Equal((version, 10L), nodes.ListingOf(5));

        // The next opendir comes before the last one's (asynchronous) releasedir: that alone does not matter.
        var next = new DirectoryListing { FirstPage = (version, 20) };
        nodes.ListingOpened(5, next, keepCache: false);
        Assert.Null(nodes.ListingOf(5));
        nodes.ListingClosed(5, alone);
        nodes.ListingServed(5, next);
        nodes.ListingCompleted(5, next);
        Assert.Equal((version, 20L), nodes.ListingOf(5));
        nodes.ListingClosed(5, next);

        // Two reading at once: the kernel's one cache may hold replies of either, so neither may vouch for it.
        var first = new DirectoryListing { FirstPage = (version, 30) };
        var second = new DirectoryListing { FirstPage = (version, 40) };
        nodes.ListingOpened(5, first, keepCache: false);
        nodes.ListingOpened(5, second, keepCache: false);
        nodes.ListingServed(5, first);
        nodes.ListingServed(5, second);
        nodes.ListingServed(5, first);
        nodes.ListingCompleted(5, first);
        nodes.ListingServed(5, second);
        nodes.ListingCompleted(5, second);
        Assert.Null(nodes.ListingOf(5));
        nodes.ListingClosed(5, first);
        nodes.ListingClosed(5, second);

        // Without a first page (the listing did not start at the beginning) nothing is recorded either.
        var partial = new DirectoryListing();
        nodes.ListingOpened(5, partial, keepCache: false);
        nodes.ListingServed(5, partial);
        nodes.ListingCompleted(5, partial);
        Assert.Null(nodes.ListingOf(5));
    }

    [Fact]
    public void An_open_that_keeps_the_kernels_cache_keeps_the_record()
    {
        var nodes = new NodeTable();
        var version = new ContentVersion(3, new Timestamp(1, 0), new Timestamp(2, 0));
        var listing = new DirectoryListing { FirstPage = (version, 10) };
        nodes.ListingOpened(9, listing, keepCache: false);
        nodes.ListingServed(9, listing);
        nodes.ListingCompleted(9, listing);
        nodes.ListingClosed(9, listing);

        var again = new DirectoryListing();
        nodes.ListingOpened(9, again, keepCache: true);
        Assert.Equal((version, 10L), nodes.ListingOf(9));
        nodes.ListingClosed(9, again);
        Assert.Equal((version, 10L), nodes.ListingOf(9));

        // The kernel forgetting the inode drops its cached listing, and the record with it.
        nodes.AddLookup(9);
        nodes.Forget(9, 1);
        Assert.Null(nodes.ListingOf(9));
    }
}
