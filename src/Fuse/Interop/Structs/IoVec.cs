using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct iovec</c>: 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* iov_base;
    public nuint iov_len;
}
