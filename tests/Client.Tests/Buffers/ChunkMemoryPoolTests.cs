using ReplicaFs.Client.Buffers;

namespace ReplicaFs.Client.Tests.Buffers;

/// <summary>Chunk buffers are mapped memory: usable like any memory, and given back to the system beyond what the pool keeps.</summary>
public sealed class ChunkMemoryPoolTests
{
    private const int ChunkSize = 4 * 1024 * 1024;

    [Fact]
    public void Mapped_memory_starts_zeroed_holds_what_is_written_and_is_unusable_once_disposed()
    {
        var memory = MappedMemory.Allocate(ChunkSize);
        Assert.True(memory.GetSpan().IndexOfAnyExcept((byte)0) < 0);
        memory.Memory.Span[ChunkSize - 1] = 7;
        memory.Memory[..10].Span.Fill(3);
        Assert.Equal(7, memory.GetSpan()[^1]);
        Assert.Equal(30, memory.GetSpan()[..10].ToArray().Sum(b => b));

        ((IDisposable)memory).Dispose();
        Assert.Throws<ObjectDisposedException>(() => memory.GetSpan());
    }

    [Fact]
    public void Buffers_given_back_beyond_what_the_pool_keeps_leave_the_process_at_once()
    {
        var buffers = Enumerable.Range(0, 64).Select(_ => ChunkMemoryPool.Rent(ChunkSize)).ToList();
        foreach (var buffer in buffers)
        {
            // Touch every page, so that each buffer is resident.
            buffer.GetSpan().Fill(1);
        }

        var held = ResidentBytes();
        foreach (var buffer in buffers)
        {
            ChunkMemoryPool.Return(buffer);
        }

        // 256 MiB were resident; the pool keeps at most 64 MiB of them, the rest is unmapped (other tests of this
        // process may allocate meanwhile, hence the margin).
        Assert.True(ChunkMemoryPool.Retained <= ChunkMemoryPool.RetainedBytes);
        var released = held - ResidentBytes();
        Assert.True(released >= 128L * 1024 * 1024, $"only {released / (1024 * 1024)} MiB left the process");
    }

    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
