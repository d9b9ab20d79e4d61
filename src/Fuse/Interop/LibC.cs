using System.Runtime.InteropServices;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Interop;

/// <summary>The few libc calls the binding needs (glibc, x86-64). Calls that report errno capture it (SetLastError).</summary>
internal static unsafe partial class LibC
{
    /// <summary>umount2 flag: detach now, finish when the last user lets go (lazy unmount).</summary>
    public const int MntDetach = 2;

    /// <summary>open(2) flags.</summary>
    public const int ORdWr = 2;
    public const int OCloExec = 0x80000;

    private const string Name = "libc";

    [LibraryImport(Name, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Umount2(string target, int flags);

    [LibraryImport(Name, EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Stat(string path, out Stat buffer);

    [LibraryImport(Name, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Name, EntryPoint = "writev", SetLastError = true)]
    public static partial nint Writev(int fd, IoVec* iov, int count);

    [LibraryImport(Name, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Name, EntryPoint = "getegid")]
    public static partial uint GetEffectiveGroupId();

    /// <summary>The calling thread's errno cell; written back after a managed hook so that libfuse sees the right errno.</summary>
    [LibraryImport(Name, EntryPoint = "__errno_location")]
    [SuppressGCTransition]
    public static partial int* ErrnoLocation();

    /// <summary>fcntl command: duplicate onto the lowest free descriptor at or above the argument, close-on-exec.</summary>
    public const int FDupFdCloExec = 1030;

    private static readonly nint Library = NativeLibrary.Load("libc.so.6");

    /// <summary>The address of libc's own <c>read</c>, for a libfuse hook that must stay entirely native (see SessionIo).</summary>
    public static nint ReadFunction { get; } = NativeLibrary.GetExport(Library, "read");

    /// <summary>The address of libc's own <c>writev</c> (see SessionIo).</summary>
    public static nint WritevFunction { get; } = NativeLibrary.GetExport(Library, "writev");

    /// <summary>realpath(3) with a malloc'ed result (free it with <see cref="NativeMemory.Free"/>, which is libc's free).</summary>
    [LibraryImport(Name, EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial byte* RealPath(string path, byte* resolved);

    [LibraryImport(Name, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);
}
