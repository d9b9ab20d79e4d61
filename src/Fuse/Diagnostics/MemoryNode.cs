using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>One inode of the in-memory file system. Guarded by the file system's lock.</summary>
internal sealed class MemoryNode
{
    public MemoryNode(ulong id, uint mode, uint uid, uint gid, Timestamp now)
    {
        Id = id;
        Mode = mode;
        Uid = uid;
        Gid = gid;
        Atime = now;
        Mtime = now;
        Ctime = now;
    }

    /// <summary>Node id and st_ino; never reused, so the generation can stay 1.</summary>
    public ulong Id { get; }

    public uint Mode { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public ulong Rdev { get; set; }

    /// <summary>Names pointing here (directories: 2 + subdirectories while linked; 0 once removed).</summary>
    public uint Nlink { get; set; }

    public Timestamp Atime { get; set; }

    public Timestamp Mtime { get; set; }

    public Timestamp Ctime { get; set; }

    /// <summary>The kernel's lookup count; the node stays while it is above zero, even unlinked.</summary>
    public ulong LookupCount { get; set; }

    /// <summary>Open handles.</summary>
    public int OpenCount { get; set; }

    /// <summary>Regular files: the bytes.</summary>
    public PagedContent? Content { get; init; }

    /// <summary>Symlinks: the target.</summary>
    public byte[]? Target { get; init; }

    /// <summary>Directories: the names.</summary>
    public MemoryDirectory? Directory { get; init; }

    /// <summary>Extended attributes, created on first use.</summary>
    public Dictionary<byte[], byte[]>? Xattrs { get; set; }

    public bool IsDirectory => (Mode & PosixMode.TypeMask) == PosixMode.Directory;

    public bool IsRegularFile => (Mode & PosixMode.TypeMask) == PosixMode.RegularFile;

    public bool IsSymlink => (Mode & PosixMode.TypeMask) == PosixMode.Symlink;

    public long Size => Content?.Length ?? Target?.Length ?? (Directory is not null ? 4096 : 0);
}
