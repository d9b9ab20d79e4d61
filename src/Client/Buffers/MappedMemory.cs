using System.Buffers;
using System.Runtime.InteropServices;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Buffers;

/// <summary>
/// Anonymous memory mapped straight from the kernel (<c>mmap</c>) for one chunk buffer, given back with <c>munmap</c>
/// when disposed. Unlike managed arrays (kept by the GC's heap after a burst) and glibc's heap (whose mmap threshold
/// grows after the first large free), unmapping returns the pages to the system at once, so the mount's resident
/// memory falls back after a burst of dirty chunks. The pages are zero until first written.
/// </summary>
internal sealed unsafe partial class MappedMemory : MemoryManager<byte>
{
    private const int ProtRead = 0x1;
    private const int ProtWrite = 0x2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    private readonly int _length;
    private byte* _pointer;

    private MappedMemory(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>Bytes mapped.</summary>
    public int Length => _length;

    /// <summary>Maps <paramref name="length"/> bytes.</summary>
    /// <exception cref="PosixException">ENOMEM: the kernel refused the mapping.</exception>
    public static MappedMemory Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var address = Mmap(0, (nuint)length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (address == -1)
        {
            throw new PosixException(Errno.ENOMEM, $"mmap of {length} bytes for a chunk buffer failed: errno {Marshal.GetLastPInvokeError()}.");
        }

        return new MappedMemory((byte*)address, length);
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<byte>(_pointer, _length);
    }

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_length);
        return new MemoryHandle(_pointer + elementIndex);
    }

    /// <inheritdoc />
    public override void Unpin()
    {
        // Mapped memory never moves.
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        var pointer = _pointer;
        _pointer = null;
        if (pointer is not null)
        {
            _ = Munmap((nint)pointer, (nuint)_length);
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
