namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>Limits and cache timeouts of a <see cref="MemoryFileSystem"/>.</summary>
public sealed record MemoryFileSystemOptions
{
    /// <summary>Bytes of file data it may hold (in 4 KiB pages); writes beyond fail with ENOSPC.</summary>
    public long CapacityBytes { get; init; } = 1L << 30;

    /// <summary>Inodes it may hold; creating more fails with ENOSPC.</summary>
    public int MaxNodes { get; init; } = 1_000_000;

    /// <summary>How long the kernel may cache attributes. Every change goes through the mount, so caching is safe.</summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel may cache names.</summary>
    public TimeSpan EntryTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the kernel may cache the absence of a name (0 = answer ENOENT instead of a negative entry).</summary>
    public TimeSpan NegativeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Owner of the root directory (default: the effective user of the process).</summary>
    public uint? RootUid { get; init; }

    /// <summary>Group of the root directory (default: the effective group of the process).</summary>
    public uint? RootGid { get; init; }

    /// <summary>Permission bits of the root directory.</summary>
    public uint RootMode { get; init; } = 0x1ED; // 0755
}
