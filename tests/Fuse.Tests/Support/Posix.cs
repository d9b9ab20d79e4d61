using System.Runtime.InteropServices;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>Real libc calls on the mounted tree, returning the exact errno (Errno.None on success).</summary>
internal static unsafe partial class Posix
{
    public const int AtFdCwd = -100;
    public const uint RenameNoReplace = 1;
    public const uint RenameExchange = 2;
    public const int XattrCreate = 1;
    public const int XattrReplace = 2;
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int ORdWr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ODirectory = 0x10000;
    public const int MntDetach = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const string Libc = "libc";

    public static Errno Stat(string path, out Stat stat)
    {
        fixed (Stat* pointer = &stat)
        {
            return Check(StatNative(path, pointer));
        }
    }

    public static Errno Lstat(string path, out Stat stat)
    {
        fixed (Stat* pointer = &stat)
        {
            return Check(LstatNative(path, pointer));
        }
    }

    public static Stat StatOrThrow(string path)
    {
        var errno = Stat(path, out var stat);
        return errno == Errno.None ? stat : throw new IOException($"stat {path}: {errno}");
    }

    public static Errno StatVfs(string path, out StatVfs stats)
    {
        fixed (StatVfs* pointer = &stats)
        {
            return Check(StatVfsNative(path, pointer));
        }
    }

    public static Errno Rename(string from, string to, uint flags = 0) => Check(RenameAt2(AtFdCwd, from, AtFdCwd, to, flags));

    public static Errno Link(string existing, string newPath) => Check(LinkNative(existing, newPath));

    public static Errno Symlink(string target, string linkPath) => Check(SymlinkNative(target, linkPath));

    public static Errno Mkdir(string path, uint mode = 0x1ED) => Check(MkdirNative(path, mode));

    public static Errno Rmdir(string path) => Check(RmdirNative(path));

    public static Errno Unlink(string path) => Check(UnlinkNative(path));

    public static Errno Chown(string path, uint uid, uint gid) => Check(ChownNative(path, uid, gid));

    public static Errno Lchown(string path, uint uid, uint gid) => Check(LchownNative(path, uid, gid));

    /// <summary>readlink, for its errno only.</summary>
    public static Errno ReadLink(string path)
    {
        var buffer = stackalloc byte[4096];
        return ReadLinkNative(path, buffer, 4096) < 0 ? (Errno)Marshal.GetLastPInvokeError() : Errno.None;
    }

    /// <summary>fstat of an open descriptor.</summary>
    public static Stat Fstat(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        Stat stat;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var errno = Check(FstatNative((int)handle.DangerousGetHandle(), &stat));
            return errno == Errno.None ? stat : throw new IOException($"fstat: {errno}");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public static Errno Chmod(string path, uint mode) => Check(ChmodNative(path, mode));

    public static Errno Truncate(string path, long length) => Check(TruncateNative(path, length));

    /// <summary>utimensat with explicit access and modification times.</summary>
    public static Errno SetTimes(string path, Timespec atime, Timespec mtime)
    {
        var times = stackalloc Timespec[2];
        times[0] = atime;
        times[1] = mtime;
        return Check(UtimensAt(AtFdCwd, path, times, 0));
    }

    /// <summary>open + close, for the errno of an open.</summary>
    public static Errno OpenClose(string path, int flags, uint mode = 0x1A4)
    {
        var fd = OpenNative(path, flags, mode);
        if (fd < 0)
        {
            return (Errno)Marshal.GetLastPInvokeError();
        }

        CloseNative(fd);
        return Errno.None;
    }

    public static Errno SetXattr(string path, string name, ReadOnlySpan<byte> value, int flags = 0)
    {
        fixed (byte* pointer = value)
        {
            return Check(SetXattrNative(path, name, pointer, (nuint)value.Length, flags));
        }
    }

    /// <summary>getxattr into a buffer of <paramref name="size"/> bytes (0 = size probe); returns the length or an errno.</summary>
    public static (long Length, Errno Error, byte[] Value) GetXattr(string path, string name, int size)
    {
        var buffer = new byte[size];
        fixed (byte* pointer = buffer)
        {
            var result = (long)GetXattrNative(path, name, pointer, (nuint)size);
            return result < 0
                ? (result, (Errno)Marshal.GetLastPInvokeError(), [])
                : (result, Errno.None, buffer.AsSpan(0, (int)Math.Min(result, size)).ToArray());
        }
    }

    /// <summary>listxattr into a buffer of <paramref name="size"/> bytes (0 = size probe).</summary>
    public static (long Length, Errno Error, byte[] Value) ListXattr(string path, int size)
    {
        var buffer = new byte[size];
        fixed (byte* pointer = buffer)
        {
            var result = (long)ListXattrNative(path, pointer, (nuint)size);
            return result < 0
                ? (result, (Errno)Marshal.GetLastPInvokeError(), [])
                : (result, Errno.None, buffer.AsSpan(0, (int)Math.Min(result, size)).ToArray());
        }
    }

    public static Errno RemoveXattr(string path, string name) => Check(RemoveXattrNative(path, name));

    public static Errno Kill(int pid, int signal) => Check(KillNative(pid, signal));

    public static Errno LazyUnmount(string path) => Check(Umount2(path, MntDetach));

    private static Errno Check(int result) => result == 0 ? Errno.None : (Errno)Marshal.GetLastPInvokeError();

    [LibraryImport(Libc, EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatNative(string path, Stat* stat);

    [LibraryImport(Libc, EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LstatNative(string path, Stat* stat);

    [LibraryImport(Libc, EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatVfsNative(string path, StatVfs* stats);

    [LibraryImport(Libc, EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport(Libc, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkNative(string existing, string newPath);

    [LibraryImport(Libc, EntryPoint = "symlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SymlinkNative(string target, string linkPath);

    [LibraryImport(Libc, EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkdirNative(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RmdirNative(string path);

    [LibraryImport(Libc, EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int UnlinkNative(string path);

    [LibraryImport(Libc, EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ChownNative(string path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LchownNative(string path, uint uid, uint gid);

    [LibraryImport(Libc, EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint ReadLinkNative(string path, byte* buffer, nuint size);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    private static partial int FstatNative(int fd, Stat* stat);

    [LibraryImport(Libc, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ChmodNative(string path, uint mode);

    [LibraryImport(Libc, EntryPoint = "truncate", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int TruncateNative(string path, long length);

    [LibraryImport(Libc, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int UtimensAt(int dirFd, string path, Timespec* times, int flags);

    [LibraryImport(Libc, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags, uint mode);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport(Libc, EntryPoint = "setxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetXattrNative(string path, string name, byte* value, nuint size, int flags);

    [LibraryImport(Libc, EntryPoint = "getxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint GetXattrNative(string path, string name, byte* value, nuint size);

    [LibraryImport(Libc, EntryPoint = "listxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint ListXattrNative(string path, byte* list, nuint size);

    [LibraryImport(Libc, EntryPoint = "removexattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RemoveXattrNative(string path, string name);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);
}
