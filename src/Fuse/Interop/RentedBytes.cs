using System.Buffers;
using System.Runtime.InteropServices;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// A copy of native bytes (a name or write data) in pooled memory, made before the callback returns because libfuse
/// frees the original then. Dispose exactly once, after the request has been answered.
/// </summary>
internal readonly unsafe struct RentedBytes : IDisposable
{
    private readonly byte[]? _array;
    private readonly int _length;

    private RentedBytes(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The copied bytes.</summary>
    public ReadOnlyMemory<byte> Memory => _array is null ? ReadOnlyMemory<byte>.Empty : _array.AsMemory(0, _length);

    /// <summary>Copies a NUL-terminated string (without the NUL).</summary>
    public static RentedBytes FromString(byte* text) =>
        Copy(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text));

    /// <summary>Copies <paramref name="length"/> bytes at <paramref name="data"/>.</summary>
    public static RentedBytes FromBuffer(byte* data, nuint length) =>
        Copy(new ReadOnlySpan<byte>(data, checked((int)length)));

    private static RentedBytes Copy(ReadOnlySpan<byte> source)
    {
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(source.Length, 1));
        source.CopyTo(array);
        return new RentedBytes(array, source.Length);
    }

    /// <summary>Returns the memory to the pool.</summary>
    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
