using System.Diagnostics;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Directory listings: opendir, readdir, readdirplus, releasedir. Offsets are the metadata server's entry cookies
/// shifted by two (0 = start, 1 = after ".", 2 = after ".."), so a listing continues exactly after the last entry
/// the kernel took, however the directory changes meanwhile. readdirplus hands the kernel full attributes with every
/// name, so <c>ls -l</c> needs no lookup per file.
/// </summary>
public sealed partial class ReplicaFileSystem
{
    private const long DotOffset = 1;
    private const long DotDotOffset = 2;
    private const int MaxPageEntries = 1000;
    private const uint DirectoryType = 0x4000;

    /// <inheritdoc />
    public override async ValueTask<FuseResult<OpenedHandle>> OpenDirectoryAsync(RequestContext context, ulong nodeId, OpenOptions flags)
    {
        // The kernel opens only what it knows as a directory. Without a recent listing to vouch for, nothing is asked
        // here (a directory removed meanwhile fails at the first readdir); with one, its version is checked.
        var keep = false;
        if (_nodes.ListingOf(nodeId) is { } listed && Stopwatch.GetElapsedTime(listed.FetchedAt) <= _options.ListingReuse)
        {
            try
            {
                keep = ContentVersion.Of(await _client.GetAttributesAsync((long)nodeId)) == listed.Version;
            }
            catch (Exception e)
            {
                return Fail(e, "opendir", nodeId);
            }

            if (!keep)
            {
                // Changed by another client: the kernel still holds the old times and would stamp the new cached
                // listing with them, then drop it at its next attribute refresh. Attributes only (negative offset):
                // no page is touched, so this cannot wait on the opener.
                _mount?.InvalidateNode(nodeId, offset: -1);
            }
        }

        var id = (ulong)Interlocked.Increment(ref _nextHandle);
        var listing = new DirectoryListing();
        _listings[id] = listing;
        _nodes.ListingOpened(nodeId, listing, keep);
        return new OpenedHandle(id, keep ? HandleOptions.CacheDirectory | HandleOptions.KeepCache : HandleOptions.CacheDirectory);
    }

    /// <inheritdoc />
    public override ValueTask<Errno> ReadDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer) =>
        ListAsync(nodeId, handle, offset, buffer);

    /// <inheritdoc />
    public override ValueTask<Errno> ReadDirectoryPlusAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer) =>
        ListAsync(nodeId, handle, offset, buffer);

    /// <inheritdoc />
    public override ValueTask<Errno> ReleaseDirectoryAsync(RequestContext context, ulong nodeId, ulong handle)
    {
        if (_listings.TryRemove(handle, out var listing))
        {
            _nodes.ListingClosed(nodeId, listing);
        }

        return new(Errno.None);
    }

    private async ValueTask<Errno> ListAsync(ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer)
    {
        Counters.Listing();
        if (offset < 0)
        {
            return Errno.EINVAL;
        }

        var listing = _listings.TryGetValue(handle, out var open) ? open : new DirectoryListing();
        try
        {
            if (offset < DotDotOffset && !AddDots(nodeId, offset, buffer))
            {
                _nodes.ListingServed(nodeId, listing);
                return Errno.None;
            }

            var after = Math.Max(0, offset - DotDotOffset);
            while (true)
            {
                // A remainder left by the previous readdir keeps the age of its fetch: reuse never extends it.
                if (!listing.TryTake(after, _options.ListingReuse, out var entries, out var start, out var isLast, out var fetchedAt))
                {
                    fetchedAt = Stopwatch.GetTimestamp();
                    var page = await _client.ReadDirectoryPageAsync((long)nodeId, after == 0 ? null : after, PageSize(buffer));
                    (entries, start, isLast) = (page.Entries, 0, page.NextCookie is null);
                    if (after == 0 && page.Directory is { } directory)
                    {
                        listing.FirstPage = (ContentVersion.Of(directory), fetchedAt);
                    }
                }

                for (var i = start; i < entries.Count; i++)
                {
                    var entry = entries[i];
                    if (!Add(buffer, entry, nodeId))
                    {
                        listing.Keep(after, entries, i, isLast, fetchedAt);
                        _nodes.ListingServed(nodeId, listing);
                        return Errno.None;
                    }

                    after = entry.Cookie;
                }

                if (isLast || entries.Count == 0)
                {
                    // Remember the end, so the kernel's closing readdir costs no metadata call.
                    listing.Keep(after, entries, entries.Count, isLast: true, fetchedAt);
                    _nodes.ListingServed(nodeId, listing);
                    _nodes.ListingCompleted(nodeId, listing);
                    return Errno.None;
                }
            }
        }
        catch (Exception e)
        {
            return Fail(e, buffer.IsPlus ? "readdirplus" : "readdir", nodeId);
        }
    }

    /// <summary>"." and "..": only their inode numbers and types matter (readdirplus sends them without attributes).</summary>
    private bool AddDots(ulong nodeId, long offset, DirectoryBuffer buffer)
    {
        var attributes = new NodeAttributes { Ino = nodeId, Mode = DirectoryType | 0x1ED };
        if (offset < DotOffset && !buffer.TryAdd("."u8, attributes, DotOffset))
        {
            return false;
        }

        var parent = nodeId == RootNode ? RootNode : _nodes.ParentOf(nodeId, nodeId);
        return buffer.TryAdd(".."u8, attributes with { Ino = parent }, DotDotOffset);
    }

    private bool Add(DirectoryBuffer buffer, DirectoryEntry entry, ulong directory)
    {
        Span<byte> name = stackalloc byte[EntryNames.MaxEncodedBytes];
        var length = EntryNames.Encode(entry.Name, name);
        var attributes = entry.Attributes;
        if (!buffer.TryAdd(name[..length], Entry(attributes), entry.Cookie + DotDotOffset))
        {
            return false;
        }

        if (buffer.IsPlus)
        {
            // Every readdirplus entry is a lookup the kernel will forget (the binding undoes it if the reply fails).
            _nodes.AddLookup(NodeIdOf(attributes), IsDirectory(attributes) ? directory : 0);
        }

        return true;
    }

    /// <summary>About as many entries as one reply takes (plus entries are ~160 bytes, plain ones ~32), within meta's limits.</summary>
    private static int PageSize(DirectoryBuffer buffer) =>
        Math.Clamp(buffer.Capacity / (buffer.IsPlus ? 128 : 24), 8, MaxPageEntries);
}
