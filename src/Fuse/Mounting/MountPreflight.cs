using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Interop;

namespace ReplicaFs.Fuse.Mounting;

/// <summary>
/// Everything checked before libfuse is asked to mount, each failure with a message an operator can act on:
/// libfuse3 loads, /dev/fuse opens, fusermount3 exists (for auto_unmount), and the mount point is an existing
/// directory (and, when asked, an empty one). A dead earlier mount on the mount point (stat fails with ENOTCONN) is lazily unmounted first.
/// </summary>
internal static partial class MountPreflight
{
    public const string LibFuseMissing = "libfuse3 is not installed: run `apt-get install -y fuse3 libfuse3-3`";
    private const string DevFuse = "/dev/fuse";
    private const uint TypeMask = 0xF000;
    private const uint DirectoryType = 0x4000;

    /// <summary>Runs every check; returns the absolute mount point.</summary>
    /// <exception cref="FuseMountException">A check failed.</exception>
    public static string Check(string mountPoint, FuseMountOptions options, ILogger logger)
    {
        CheckLibFuse();
        CheckDevice();
        if (options.AutoUnmount)
        {
            CheckFusermount();
        }

        var path = CheckMountPoint(mountPoint, options.RecoverStaleMount, logger);
        if (options.RequireEmptyMountPoint)
        {
            CheckEmpty(path);
        }

        return path;
    }

    public static void CheckLibFuse()
    {
        if (!LibFuse.TryLoad(out var error))
        {
            throw new FuseMountException(error.StartsWith(LibFuse.LibraryName + " could not", StringComparison.Ordinal)
                ? LibFuseMissing
                : $"{error}: run `apt-get install -y fuse3 libfuse3-3`");
        }
    }

    private static void CheckDevice()
    {
        var fd = LibC.Open(DevFuse, LibC.ORdWr | LibC.OCloExec);
        if (fd >= 0)
        {
            LibC.Close(fd);
            return;
        }

        var errno = (Errno)Marshal.GetLastPInvokeError();
        throw new FuseMountException(errno switch
        {
            Errno.ENOENT => $"{DevFuse} does not exist: load the fuse kernel module (`modprobe fuse`), or give the container the device (`--device /dev/fuse --cap-add SYS_ADMIN`).",
            Errno.EACCES or Errno.EPERM => $"{DevFuse} cannot be opened ({Describe(errno)}): run as root, or make the device accessible to this user.",
            _ => $"{DevFuse} cannot be opened: {Describe(errno)}.",
        });
    }

    private static void CheckFusermount()
    {
        // libfuse tries its build-time directory first, then PATH.
        var candidates = new List<string> { "/usr/bin/fusermount3", "/bin/fusermount3" };
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        candidates.AddRange(path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "fusermount3")));
        if (!candidates.Any(File.Exists))
        {
            throw new FuseMountException("fusermount3 is not installed (auto_unmount needs it): run `apt-get install -y fuse3`");
        }
    }

    private static string CheckMountPoint(string mountPoint, bool recoverStale, ILogger logger)
    {
        if (string.IsNullOrWhiteSpace(mountPoint))
        {
            throw new FuseMountException("No mount point was given.");
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        var errno = StatMode(full, out var mode);
        if (errno == Errno.ENOTCONN && recoverStale)
        {
            LogStaleMount(logger, full);
            if (LibC.Umount2(full, LibC.MntDetach) != 0)
            {
                var failure = (Errno)Marshal.GetLastPInvokeError();
                throw new FuseMountException($"The mount point {full} holds a dead FUSE mount (Transport endpoint is not connected) that could not be unmounted: {Describe(failure)}. Run `fusermount3 -u -z {full}` or `umount -l {full}`.");
            }

            errno = StatMode(full, out mode);
        }

        return errno switch
        {
            Errno.None when (mode & TypeMask) == DirectoryType => Canonical(full),
            Errno.None => throw new FuseMountException($"The mount point {full} is not a directory."),
            Errno.ENOENT => throw new FuseMountException($"The mount point {full} does not exist: create it first (`mkdir -p {full}`)."),
            Errno.ENOTCONN => throw new FuseMountException($"The mount point {full} holds a dead FUSE mount (Transport endpoint is not connected): run `fusermount3 -u -z {full}`."),
            _ => throw new FuseMountException($"The mount point {full} cannot be used: {Describe(errno)}."),
        };
    }

    private static void CheckEmpty(string path)
    {
        string[] entries;
        try
        {
            entries = [.. Directory.EnumerateFileSystemEntries(path).Take(3).Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FuseMountException($"The mount point {path} cannot be listed: {e.Message}");
        }

        if (entries.Length > 0)
        {
            throw new FuseMountException(
                $"The mount point {path} is not empty (it holds {string.Join(", ", entries.Take(2))}{(entries.Length > 2 ? ", ..." : "")}): " +
                "mounting would hide those files. Move them away or choose an empty directory.");
        }
    }

    /// <summary>The path without symlinks, as the mount table will show it.</summary>
    private static unsafe string Canonical(string path)
    {
        var resolved = LibC.RealPath(path, null);
        if (resolved == null)
        {
            return path;
        }

        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved) ?? path;
        }
        finally
        {
            NativeMemory.Free(resolved);
        }
    }

    private static Errno StatMode(string path, out uint mode)
    {
        if (LibC.Stat(path, out var stat) == 0)
        {
            mode = stat.st_mode;
            return Errno.None;
        }

        mode = 0;
        return (Errno)Marshal.GetLastPInvokeError();
    }

    private static string Describe(Errno errno) => Marshal.GetPInvokeErrorMessage((int)errno);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MountPoint} holds a dead FUSE mount (Transport endpoint is not connected); unmounting it lazily")]
    private static partial void LogStaleMount(ILogger logger, string mountPoint);
}
