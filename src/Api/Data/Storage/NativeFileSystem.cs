using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// The few Linux calls .NET does not expose: fsync of a directory (to make a rename or unlink durable)
/// and flock (to keep two servers out of one data directory).
/// </summary>
internal static class NativeFileSystem
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;
    private const int OCloexec = 0x80000;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int EWouldBlock = 11;
    private const int EInterrupted = 4;

    /// <summary>Flushes a directory's entries (created, renamed, deleted files) to disk.</summary>
    public static void FsyncDirectory(string path)
    {
        var fd = open(path, ORdOnly | ODirectory | OCloexec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory {path} to sync it (errno {errno}).", errno);
        }

        try
        {
            if (fsync(fd) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of directory {path} failed (errno {errno}).", errno);
            }
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Takes an exclusive, non-blocking flock on an open file; false when another process holds it.</summary>
    public static bool TryLockExclusive(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            while (true)
            {
                if (flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0)
                {
                    return true;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == EWouldBlock)
                {
                    return false;
                }

                if (errno != EInterrupted)
                {
                    throw new IOException($"flock failed (errno {errno}).");
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

#pragma warning disable SYSLIB1054, CA5392 // Plain blittable libc calls; LibraryImport would need unsafe code in this project.
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);
#pragma warning restore SYSLIB1054, CA5392
}
