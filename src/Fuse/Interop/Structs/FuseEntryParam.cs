using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct fuse_entry_param</c>: 176 bytes. <c>ino</c> 0 is a negative entry.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseEntryParam
{
    public ulong ino;
    public ulong generation;
    public Stat attr;
    public double attr_timeout;
    public double entry_timeout;
}
