using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary>
/// <c>struct statvfs</c> of glibc on x86-64: 112 bytes (spare words from 88). FUSE ignores f_favail, f_fsid and f_flag.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct StatVfs
{
    [FieldOffset(0)] public ulong f_bsize;
    [FieldOffset(8)] public ulong f_frsize;
    [FieldOffset(16)] public ulong f_blocks;
    [FieldOffset(24)] public ulong f_bfree;
    [FieldOffset(32)] public ulong f_bavail;
    [FieldOffset(40)] public ulong f_files;
    [FieldOffset(48)] public ulong f_ffree;
    [FieldOffset(56)] public ulong f_favail;
    [FieldOffset(64)] public ulong f_fsid;
    [FieldOffset(72)] public ulong f_flag;
    [FieldOffset(80)] public ulong f_namemax;
}
