using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct fuse_forget_data</c>: 16 bytes, one element of a forget_multi batch.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseForgetData
{
    public ulong ino;
    public ulong nlookup;
}
