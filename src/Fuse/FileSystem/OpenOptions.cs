namespace ReplicaFs.Fuse.FileSystem;

/// <summary>open(2) flags as they reach open and create (Linux x86-64 values; O_CREAT, O_EXCL and O_NOCTTY are filtered out).</summary>
[Flags]
public enum OpenOptions
{
    /// <summary>O_RDONLY (an access mode, compare <c>flags &amp; AccessModeMask</c>).</summary>
    ReadOnly = 0,

    /// <summary>O_WRONLY.</summary>
    WriteOnly = 0x1,

    /// <summary>O_RDWR.</summary>
    ReadWrite = 0x2,

    /// <summary>O_ACCMODE.</summary>
    AccessModeMask = 0x3,

    /// <summary>O_CREAT.</summary>
    Create = 0x40,

    /// <summary>O_EXCL.</summary>
    Exclusive = 0x80,

    /// <summary>O_TRUNC: with atomic O_TRUNC (on) it arrives here instead of as a setattr.</summary>
    Truncate = 0x200,

    /// <summary>O_APPEND: without writeback cache the file system places every write at the end.</summary>
    Append = 0x400,

    /// <summary>O_NONBLOCK.</summary>
    NonBlocking = 0x800,

    /// <summary>O_DSYNC.</summary>
    DataSync = 0x1000,

    /// <summary>O_DIRECT.</summary>
    Direct = 0x4000,

    /// <summary>O_LARGEFILE (always set on x86-64).</summary>
    LargeFile = 0x8000,

    /// <summary>O_DIRECTORY.</summary>
    Directory = 0x10000,

    /// <summary>O_NOATIME.</summary>
    NoAtime = 0x40000,

    /// <summary>O_SYNC (includes O_DSYNC).</summary>
    Sync = 0x101000,
}
