using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary>
/// <c>struct fuse_custom_io</c> (libfuse 3.14): 32 bytes. libfuse passes the session's userdata as the last argument.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseCustomIo
{
    /// <summary><c>ssize_t (*writev)(int fd, struct iovec *iov, int count, void *userdata)</c>.</summary>
    public delegate* unmanaged[Cdecl]<int, IoVec*, int, void*, nint> writev;

    /// <summary><c>ssize_t (*read)(int fd, void *buf, size_t buf_len, void *userdata)</c>.</summary>
    public nint read;

    public nint splice_receive;
    public nint splice_send;
}
