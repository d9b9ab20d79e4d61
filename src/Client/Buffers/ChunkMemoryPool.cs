namespace ReplicaFs.Client.Buffers;

/// <summary>
/// Mapped chunk buffers kept for reuse after they are given back, at most <see cref="RetainedBytes"/> of them (enough
/// for a streaming write's flushes in flight, so its buffers are reused rather than mapped and faulted in anew);
/// the rest are unmapped at once. Shared by every client in the process, like <c>ArrayPool&lt;byte&gt;.Shared</c>.
/// </summary>
internal static class ChunkMemoryPool
{
    /// <summary>Most bytes of free buffers kept.</summary>
    public const long RetainedBytes = 64L * 1024 * 1024;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, Stack<MappedMemory>> Free = [];
    private static long _retained;

    /// <summary>Bytes of free buffers kept right now.</summary>
    public static long Retained
    {
        get
        {
            lock (Gate)
            {
                return _retained;
            }
        }
    }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes: a kept one (old contents) or a new mapping (zeros).</summary>
    public static MappedMemory Rent(int length)
    {
        lock (Gate)
        {
            if (Free.TryGetValue(length, out var stack) && stack.TryPop(out var memory))
            {
                _retained -= length;
                return memory;
            }
        }

        return MappedMemory.Allocate(length);
    }

    /// <summary>Takes a buffer back: kept while fewer than <see cref="RetainedBytes"/> are, else unmapped.</summary>
    public static void Return(MappedMemory memory)
    {
        lock (Gate)
        {
            if (_retained + memory.Length <= RetainedBytes)
            {
                if (!Free.TryGetValue(memory.Length, out var stack))
                {
                    stack = new Stack<MappedMemory>();
                    Free.Add(memory.Length, stack);
                }

                stack.Push(memory);
                _retained += memory.Length;
                return;
            }
        }

        ((IDisposable)memory).Dispose();
    }
}
