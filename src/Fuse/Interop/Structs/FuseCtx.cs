using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct fuse_ctx</c>: 16 bytes; valid until the request is answered.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseCtx
{
    public uint uid;
    public uint gid;
    public int pid;
    public uint umask;
}
