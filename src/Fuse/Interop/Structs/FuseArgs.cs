using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct fuse_args</c>: 24 bytes. Starts zeroed; <c>fuse_opt_add_arg</c> fills it with malloc'ed copies.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int argc;
    public byte** argv;
    public int allocated;
}
