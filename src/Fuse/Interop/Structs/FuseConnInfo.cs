using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct fuse_conn_info</c> (libfuse 3.14): 128 bytes, all fields <c>unsigned</c>; 40-127 reserved.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct FuseConnInfo
{
    [FieldOffset(0)] public uint proto_major;
    [FieldOffset(4)] public uint proto_minor;
    [FieldOffset(8)] public uint max_write;
    [FieldOffset(12)] public uint max_read;
    [FieldOffset(16)] public uint max_readahead;
    [FieldOffset(20)] public uint capable;
    [FieldOffset(24)] public uint want;
    [FieldOffset(28)] public uint max_background;
    [FieldOffset(32)] public uint congestion_threshold;
    [FieldOffset(36)] public uint time_gran;
}
