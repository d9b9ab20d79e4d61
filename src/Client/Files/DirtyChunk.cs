using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;

namespace ReplicaFs.Client.Files;

/// <summary>Where a dirty chunk is in its life.</summary>
internal enum DirtyState
{
    /// <summary>Taking writes.</summary>
    Open = 0,

    /// <summary>Full or asked to flush; waiting for a flush slot. No more writes.</summary>
    Sealed = 1,

    /// <summary>Being written to the replicas and committed.</summary>
    Flushing = 2,
}

/// <summary>
/// Bytes written through a handle to one chunk and not yet committed: a chunk-sized pooled buffer and the offsets
/// that hold written bytes (the rest of the buffer is meaningless until a flush merges the committed base in).
/// </summary>
internal sealed class DirtyChunk(long index, ChunkBuffer buffer)
{
    /// <summary>The chunk index.</summary>
    public long Index { get; } = index;

    /// <summary>The buffer (chunk offset 0 at index 0); owned by this dirty chunk.</summary>
    public ChunkBuffer Buffer { get; } = buffer;

    /// <summary>Offsets that hold written bytes.</summary>
    public ByteRanges Dirty { get; } = new();

    /// <summary>The open file's write clock at the last write into this chunk (guarded by the open file's lock).</summary>
    public long LastWrite { get; set; }

    /// <summary>Where it is in its life (guarded by the open file's lock).</summary>
    public DirtyState State { get; set; }

    /// <summary>Completes (never faults) when the flush ended, successfully or not.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
