using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop.Structs;

/// <summary><c>struct timespec</c> (x86-64): 16 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    /// <summary>Special <c>tv_nsec</c> value of utimensat: set this time to the current time.</summary>
    public const long UtimeNow = 1073741823;

    /// <summary>Special <c>tv_nsec</c> value of utimensat: leave this time unchanged.</summary>
    public const long UtimeOmit = 1073741822;

    public long tv_sec;
    public long tv_nsec;
}
