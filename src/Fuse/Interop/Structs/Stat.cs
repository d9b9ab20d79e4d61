using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary>
/// <c>struct stat</c> of glibc on x86-64: 144 bytes, <c>st_nlink</c> (offset 16) before <c>st_mode</c> (offset 24),
/// bytes 120-143 reserved. The same layout serves libfuse (attributes in and out) and the libc <c>stat</c> call.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct Stat
{
    [FieldOffset(0)] public ulong st_dev;
    [FieldOffset(8)] public ulong st_ino;
    [FieldOffset(16)] public ulong st_nlink;
    [FieldOffset(24)] public uint st_mode;
    [FieldOffset(28)] public uint st_uid;
    [FieldOffset(32)] public uint st_gid;
    [FieldOffset(40)] public ulong st_rdev;
    [FieldOffset(48)] public long st_size;
    [FieldOffset(56)] public long st_blksize;
    [FieldOffset(64)] public long st_blocks;
    [FieldOffset(72)] public Timespec st_atim;
    [FieldOffset(88)] public Timespec st_mtim;
    [FieldOffset(104)] public Timespec st_ctim;
}
