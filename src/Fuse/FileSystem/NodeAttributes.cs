using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Fuse.FileSystem;

/// <summary>The attributes of an inode as <c>stat</c> shows them.</summary>
public readonly record struct NodeAttributes
{
    /// <summary>The inode number <c>stat</c> shows (<c>st_ino</c>); usually the node id.</summary>
    public ulong Ino { get; init; }

    /// <summary>Full <c>st_mode</c>: type bits and permission bits.</summary>
    public uint Mode { get; init; }

    /// <summary>Number of names (directories: 2 + subdirectories).</summary>
    public uint Nlink { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>Device number of a character or block device node.</summary>
    public ulong Rdev { get; init; }

    /// <summary>Size in bytes (symlinks: the length of the target). The kernel bounds reads by it.</summary>
    public long Size { get; init; }

    /// <summary>Allocated space in 512-byte units.</summary>
    public long Blocks { get; init; }

    /// <summary>Preferred I/O size; 0 lets the kernel choose.</summary>
    public int BlockSize { get; init; }

    public Timestamp Atime { get; init; }

    public Timestamp Mtime { get; init; }

    public Timestamp Ctime { get; init; }
}
