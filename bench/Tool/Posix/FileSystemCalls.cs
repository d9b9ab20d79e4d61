using System.Runtime.InteropServices;

namespace ReplicaFs.Bench.Posix;

/// <summary>
/// The operations the metadata workload times, each one (or, for a created file, exactly open + write + close)
/// system call, throwing <see cref="SystemCallException"/> on failure.
/// </summary>
internal static unsafe class FileSystemCalls
{
    private const string DropCachesPath = "/proc/sys/vm/drop_caches";

    /// <summary>Creates a new file (O_EXCL), writes <paramref name="content"/> in one write and closes it.</summary>
    public static void CreateFile(NativePath path, ReadOnlySpan<byte> content)
    {
        int fd;
        fixed (byte* p = path.Bytes)
        {
            fd = Libc.Open(p, Libc.OpenWriteOnly | Libc.OpenCreate | Libc.OpenExclusive | Libc.OpenCloseOnExec, 0b110_100_100);
        }

        if (fd < 0)
        {
            throw Failed("open", path);
        }

        try
        {
            fixed (byte* data = content)
            {
                var written = Libc.Write(fd, data, (nuint)content.Length);
                if (written < 0)
                {
                    throw Failed("write", path);
                }

                if (written != content.Length)
                {
                    throw new SystemCallException($"write({path}) wrote {written} of {content.Length} bytes");
                }
            }
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }

        // close reports the error of a deferred write on network file systems: it counts as a failure too.
        if (Libc.Close(fd) != 0)
        {
            throw Failed("close", path);
        }
    }

    /// <summary>Returns the size of <paramref name="path"/> (statx without following symbolic links).</summary>
    public static long StatSize(NativePath path)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        int result;
        fixed (byte* p = path.Bytes)
        {
            result = Libc.Statx(Libc.AtCurrentDirectory, p, Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, buffer);
        }

        if (result != 0)
        {
            throw Failed("statx", path);
        }

        return *(long*)(buffer + Libc.StatxSizeOffset);
    }

    /// <summary>Reads the whole directory with opendir/readdir/closedir and counts the names other than . and ..</summary>
    public static int CountEntries(NativePath directory)
    {
        nint handle;
        fixed (byte* p = directory.Bytes)
        {
            handle = Libc.OpenDirectory(p);
        }

        if (handle == 0)
        {
            throw Failed("opendir", directory);
        }

        var count = 0;
        try
        {
            while (true)
            {
                var entry = Libc.ReadDirectory(handle);
                if (entry == 0)
                {
                    // The generated stub clears errno before the call: NULL with errno 0 is the end of the directory.
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw new SystemCallException("readdir", directory.Text, errno);
                    }

                    return count;
                }

                var name = (byte*)entry + Libc.DirentNameOffset;
                var isDot = name[0] == (byte)'.' && (name[1] == 0 || (name[1] == (byte)'.' && name[2] == 0));
                if (!isDot)
                {
                    count++;
                }
            }
        }
        finally
        {
            Libc.CloseDirectory(handle);
        }
    }

    public static void MakeDirectory(NativePath path)
    {
        fixed (byte* p = path.Bytes)
        {
            if (Libc.MakeDirectory(p, 0b111_101_101) != 0)
            {
                throw Failed("mkdir", path);
            }
        }
    }

    public static void RemoveDirectory(NativePath path)
    {
        fixed (byte* p = path.Bytes)
        {
            if (Libc.RemoveDirectory(p) != 0)
            {
                throw Failed("rmdir", path);
            }
        }
    }

    public static void Unlink(NativePath path)
    {
        fixed (byte* p = path.Bytes)
        {
            if (Libc.Unlink(p) != 0)
            {
                throw Failed("unlink", path);
            }
        }
    }

    /// <summary>
    /// Writes back dirty data (sync) and asks the kernel to drop the page cache, dentries and inodes
    /// (<c>echo 3 &gt; /proc/sys/vm/drop_caches</c>). Returns false, changing nothing, when that is not allowed.
    /// </summary>
    public static bool DropCaches()
    {
        Libc.Sync();
        var path = new NativePath(DropCachesPath);
        int fd;
        fixed (byte* p = path.Bytes)
        {
            fd = Libc.Open(p, Libc.OpenWriteOnly | Libc.OpenCloseOnExec, 0);
        }

        if (fd < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> three = "3\n"u8;
        nint written;
        fixed (byte* data = three)
        {
            written = Libc.Write(fd, data, (nuint)three.Length);
        }

        return Libc.Close(fd) == 0 && written == three.Length;
    }

    private static SystemCallException Failed(string call, NativePath path) =>
        new(call, path.Text, Marshal.GetLastPInvokeError());
}
