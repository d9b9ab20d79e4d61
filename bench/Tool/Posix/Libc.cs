using System.Runtime.InteropServices;

namespace ReplicaFs.Bench.Posix;

/// <summary>
/// The libc calls the metadata workload times, bound directly so that each measured operation is exactly one
/// system call (no FileStream bookkeeping such as the extra fstat and flock .NET does on open). Paths are passed as
/// NUL-terminated UTF-8 prepared before the clock starts (<see cref="NativePath"/>).
/// </summary>
internal static partial class Libc
{
    private const string Library = "libc";

    public const int OpenWriteOnly = 0x1;
    public const int OpenCreate = 0x40;
    public const int OpenExclusive = 0x80;
    public const int OpenCloseOnExec = 0x80000;

    public const int AtCurrentDirectory = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const uint StatxBasicStats = 0x7ff;

    /// <summary>Size of <c>struct statx</c> (fixed by the kernel ABI on every architecture).</summary>
    public const int StatxSize = 256;

    /// <summary>Offset of <c>stx_size</c> (u64) in <c>struct statx</c>.</summary>
    public const int StatxSizeOffset = 40;

    /// <summary>Offset of <c>d_name</c> in glibc's 64-bit <c>struct dirent</c>.</summary>
    public const int DirentNameOffset = 19;

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static unsafe partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true)]
    public static unsafe partial int Statx(int directoryFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "opendir", SetLastError = true)]
    public static unsafe partial nint OpenDirectory(byte* path);

    [LibraryImport(Library, EntryPoint = "readdir", SetLastError = true)]
    public static partial nint ReadDirectory(nint directory);

    [LibraryImport(Library, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDirectory(nint directory);

    [LibraryImport(Library, EntryPoint = "mkdir", SetLastError = true)]
    public static unsafe partial int MakeDirectory(byte* path, uint mode);

    [LibraryImport(Library, EntryPoint = "rmdir", SetLastError = true)]
    public static unsafe partial int RemoveDirectory(byte* path);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static unsafe partial int Unlink(byte* path);

    [LibraryImport(Library, EntryPoint = "sync")]
    public static partial void Sync();
}
