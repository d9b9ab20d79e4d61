using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>What this mount knows about one inode the kernel holds (guarded by the <see cref="NodeTable"/>'s lock).</summary>
internal sealed class NodeState
{
    /// <summary>Lookups the kernel holds (raised by every positive entry, lowered by forget).</summary>
    public ulong Lookups { get; set; }

    /// <summary>Open file handles of this inode in this mount.</summary>
    public List<OpenHandle> Handles { get; } = [];

    /// <summary>Its last name was removed while it was open: the inode was kept as an orphan and must be reclaimed.</summary>
    public bool Orphaned { get; set; }

    /// <summary>The content version the kernel's page cache was filled under (set at open), if any.</summary>
    public ContentVersion? CachedVersion { get; set; }

    /// <summary>The content changed through this mount since <see cref="CachedVersion"/> was taken.</summary>
    public bool ChangedHere { get; set; }

    /// <summary>When this mount last wrote to the file while it is open (the commit comes later, at flush or close).</summary>
    public Timestamp? LastLocalWrite { get; set; }

    /// <summary>
    /// For a directory: the version (as of its first page) of the last complete listing served to the kernel, which
    /// the kernel may hold in its readdir cache, and when that first page was fetched (a Stopwatch timestamp).
    /// </summary>
    public (ContentVersion Version, long FetchedAt)? Listed { get; set; }

    /// <summary>For a directory: its listings open right now (opendir to releasedir).</summary>
    public List<DirectoryListing> Listings { get; } = [];

    /// <summary>For a directory: readdir replies served so far, by any of its listings.</summary>
    public long Readdirs { get; set; }

    /// <summary>For a directory: its parent as last seen (for ".." in listings); 0 when unknown.</summary>
    public ulong Parent { get; set; }

    /// <summary>Whether anything here still matters (otherwise the entry is dropped).</summary>
    public bool IsIdle => Lookups == 0 && Handles.Count == 0 && Listings.Count == 0 && Listed is null;
}
