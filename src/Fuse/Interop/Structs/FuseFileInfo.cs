using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary>
/// <c>struct fuse_file_info</c> (libfuse 3.14): 40 bytes. The C bit-fields share the 32-bit word at offset 4,
/// least significant bit first; set a bit by OR-ing its mask into <see cref="bits"/>. Offset 8 is the
/// <c>padding2</c> bit-field, 12-15 an alignment hole, 36-39 tail padding.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct FuseFileInfo
{
    public const uint WritePage = 0x01;
    public const uint DirectIo = 0x02;
    public const uint KeepCache = 0x04;
    public const uint Flush = 0x08;
    public const uint NonSeekable = 0x10;
    public const uint FlockRelease = 0x20;
    public const uint CacheReaddir = 0x40;
    public const uint NoFlush = 0x80;

    /// <summary>The bits <c>fill_open</c> copies into an open, opendir or create reply.</summary>
    public const uint ReplyBits = DirectIo | KeepCache | NonSeekable | CacheReaddir | NoFlush;

    /// <summary>open(2) flags.</summary>
    [FieldOffset(0)] public int flags;

    /// <summary>The bit-field word: writepage, direct_io, keep_cache, flush, nonseekable, flock_release, cache_readdir, noflush.</summary>
    [FieldOffset(4)] public uint bits;

    [FieldOffset(16)] public ulong fh;
    [FieldOffset(24)] public ulong lock_owner;
    [FieldOffset(32)] public uint poll_events;
}
