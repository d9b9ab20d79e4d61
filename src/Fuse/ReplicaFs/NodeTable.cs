using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// The inodes the kernel holds through this mount, by node id (= the metadata server's inode number): lookup counts,
/// open handles, orphans waiting to be reclaimed, the content version the page cache was filled under, and
/// uncommitted local writes. One lock guards it; every method is O(1) apart from the handles of one inode.
/// </summary>
internal sealed class NodeTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, NodeState> _nodes = [];
    private int _openHandles;

    /// <summary>Whether any file is open through this mount (only then can an unlink hit an open file).</summary>
    public bool AnyOpen => Volatile.Read(ref _openHandles) > 0;

    /// <summary>The kernel's lookup count of a node (0 when unknown).</summary>
    public ulong LookupsOf(ulong nodeId)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(nodeId, out var node) ? node.Lookups : 0;
        }
    }

    /// <summary>One more lookup of <paramref name="nodeId"/> (an entry is about to reach the kernel).</summary>
    /// <param name="nodeId">The node.</param>
    /// <param name="directoryParent">For a directory, the directory it was found in (0: not a directory).</param>
    public void AddLookup(ulong nodeId, ulong directoryParent = 0)
    {
        lock (_gate)
        {
            var node = GetOrAdd(nodeId);
            node.Lookups++;
            if (directoryParent != 0)
            {
                node.Parent = directoryParent;
            }
        }
    }

    /// <summary>The kernel forgot <paramref name="count"/> lookups.</summary>
    /// <returns>True when the node is an orphan nobody holds any more: reclaim it now.</returns>
    public bool Forget(ulong nodeId, ulong count)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return false;
            }

            node.Lookups = count >= node.Lookups ? 0 : node.Lookups - count;
            if (node.Lookups == 0)
            {
                // The kernel dropped the inode, and its cached listing with it.
                node.Listed = null;
            }

            return DropIfIdle(nodeId, node);
        }
    }

    /// <summary>The parent of a directory as last seen, or <paramref name="fallback"/>.</summary>
    public ulong ParentOf(ulong directory, ulong fallback)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(directory, out var node) && node.Parent != 0 ? node.Parent : fallback;
        }
    }

    /// <summary>An opendir of <paramref name="directory"/>.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="listing">The new listing.</param>
    /// <param name="keepCache">Whether the kernel keeps its cached listing (otherwise it drops it, and so does the record).</param>
    public void ListingOpened(ulong directory, DirectoryListing listing, bool keepCache)
    {
        lock (_gate)
        {
            var node = GetOrAdd(directory);
            node.Listings.Add(listing);
            listing.ReaddirsAtOpen = node.Readdirs;
            if (!keepCache)
            {
                node.Listed = null;
            }
        }
    }

    /// <summary>A readdir reply of <paramref name="listing"/> is about to reach the kernel (which may cache what it holds).</summary>
    public void ListingServed(ulong directory, DirectoryListing listing)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(directory, out var node))
            {
                node.Readdirs++;
                listing.OwnReaddirs++;
            }
        }
    }

    /// <summary>A releasedir (the kernel sends it asynchronously, often after the next opendir).</summary>
    public void ListingClosed(ulong directory, DirectoryListing listing)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(directory, out var node) && node.Listings.Remove(listing))
            {
                DropIfIdle(directory, node);
            }
        }
    }

    /// <summary>
    /// <paramref name="listing"/> reached the end of <paramref name="directory"/>. When it read from the start and every
    /// readdir reply since its opendir was its own, everything the kernel cached since then came from it: from pages as
    /// new as its first one or newer. So if the directory still has the first page's version later, nothing changed
    /// and the cached listing is current. (Replies of two listings at once may mix in the kernel's one cache: then
    /// nothing is recorded, and the next opendir lets the kernel drop it.)
    /// </summary>
    public void ListingCompleted(ulong directory, DirectoryListing listing)
    {
        lock (_gate)
        {
            if (listing.FirstPage is { } first && _nodes.TryGetValue(directory, out var node) &&
                node.Readdirs - listing.ReaddirsAtOpen == listing.OwnReaddirs)
            {
                node.Listed = first;
            }
        }
    }

    /// <summary>The last complete listing of <paramref name="directory"/> (see <see cref="ListingCompleted"/>), if any.</summary>
    public (ContentVersion Version, long FetchedAt)? ListingOf(ulong directory)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(directory, out var node) ? node.Listed : null;
        }
    }

    /// <summary>Whether the inode is open through this mount.</summary>
    public bool IsOpen(ulong nodeId)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(nodeId, out var node) && node.Handles.Count > 0;
        }
    }

    /// <summary>Any open handle of the inode (they share the client's buffers), or null.</summary>
    public OpenHandle? AnyHandle(ulong nodeId)
    {
        lock (_gate)
        {
            return _nodes.TryGetValue(nodeId, out var node) && node.Handles.Count > 0 ? node.Handles[0] : null;
        }
    }

    /// <summary>
    /// Registers an open handle and decides whether the kernel may keep its cached pages of the file: only when the
    /// content is provably the one they were read under (same version at the last open, no change through this mount
    /// since). That is exactly close-to-open consistency; anything else drops them.
    /// </summary>
    /// <returns>Whether to answer the open with keep_cache.</returns>
    public bool Opened(OpenHandle handle, ContentVersion current, bool truncated)
    {
        lock (_gate)
        {
            var node = GetOrAdd(handle.NodeId);
            node.Handles.Add(handle);
            Interlocked.Increment(ref _openHandles);
            var keep = !truncated && !node.ChangedHere && node.CachedVersion == current;
            node.CachedVersion = current;
            node.ChangedHere = truncated;
            return keep;
        }
    }

    /// <summary>A handle was released.</summary>
    /// <returns>True when this was the last handle of an orphan: reclaim it now.</returns>
    public bool Released(OpenHandle handle)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(handle.NodeId, out var node) || !node.Handles.Remove(handle))
            {
                return false;
            }

            Interlocked.Decrement(ref _openHandles);
            if (node.Handles.Count > 0)
            {
                return false;
            }

            // The commits of the close are newer than any local write: the metadata server's times are right again.
            node.LastLocalWrite = null;
            if (node.Orphaned)
            {
                node.Orphaned = false;
                DropIfIdle(handle.NodeId, node);
                return true;
            }

            DropIfIdle(handle.NodeId, node);
            return false;
        }
    }

    /// <summary>A name of an open inode was removed with keepOrphan (unlink or rename over it).</summary>
    /// <returns>True when its last handle was released meanwhile: reclaim it now.</returns>
    public bool MarkOrphaned(ulong nodeId)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(nodeId, out var node) && node.Handles.Count > 0)
            {
                node.Orphaned = true;
                return false;
            }

            return true;
        }
    }

    /// <summary>The content changed through this mount (write, truncate): the cached pages' version is stale.</summary>
    public void Changed(ulong nodeId, bool write)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(nodeId, out var node))
            {
                node.ChangedHere = true;
                if (write && node.Handles.Count > 0)
                {
                    node.LastLocalWrite = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
                }
            }
        }
    }

    /// <summary>
    /// The attributes the kernel should see: the metadata server's, corrected for what this mount has buffered but not
    /// committed yet (size and modification time of files open here).
    /// </summary>
    public NodeAttributes Describe(InodeAttributes attributes, int ioBlockSize)
    {
        var size = attributes.Size;
        var mtime = attributes.Mtime;
        var ctime = attributes.Ctime;
        if (attributes.Kind == FileKind.File)
        {
            lock (_gate)
            {
                if (_nodes.TryGetValue((ulong)attributes.Ino, out var node) && node.Handles.Count > 0)
                {
                    size = Math.Max(size, node.Handles[0].File.Size);
                    if (node.LastLocalWrite is { } written && written.TotalNanoseconds > mtime.TotalNanoseconds)
                    {
                        mtime = written;
                        ctime = written.TotalNanoseconds > ctime.TotalNanoseconds ? written : ctime;
                    }
                }
            }
        }

        return new NodeAttributes
        {
            Ino = (ulong)attributes.Ino,
            Mode = attributes.Mode,
            Nlink = (uint)Math.Max(0, attributes.Nlink),
            Uid = attributes.Uid,
            Gid = attributes.Gid,
            Size = size,
            Blocks = (size + 511) / 512,
            BlockSize = ioBlockSize,
            Atime = attributes.Atime,
            Mtime = mtime,
            Ctime = ctime,
        };
    }

    private NodeState GetOrAdd(ulong nodeId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            node = new NodeState();
            _nodes.Add(nodeId, node);
        }

        return node;
    }

    /// <returns>True when the dropped node was an orphan that still needs reclaiming.</returns>
    private bool DropIfIdle(ulong nodeId, NodeState node)
    {
        if (!node.IsIdle)
        {
            return false;
        }

        _nodes.Remove(nodeId);
        return node.Orphaned;
    }
}
