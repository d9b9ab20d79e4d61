using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Quorum;

/// <summary>
/// New bytes for one chunk: a chunk-sized buffer holding them at their chunk offsets, and which offsets they are.
/// The rest of the chunk comes from the committed base version (read-modify-write) or, beyond the base's length,
/// reads as zeros. The write owns one reference to the buffer.
/// </summary>
internal sealed class ChunkWrite(long index, ChunkBuffer buffer, ByteRanges dirty, ChunkInfo? knownBase) : IDisposable
{
    /// <summary>The chunk index.</summary>
    public long Index { get; } = index;

    /// <summary>The chunk buffer (offset 0 is chunk offset 0).</summary>
    public ChunkBuffer Buffer { get; } = buffer;

    /// <summary>The chunk offsets that hold new bytes.</summary>
    public ByteRanges Dirty { get; } = dirty;

    /// <summary>The writer's last knowledge of the committed chunk (null: none, or unknown); a hint, checked against the lease.</summary>
    public ChunkInfo? KnownBase { get; set; } = knownBase;

    /// <inheritdoc />
    public void Dispose() => Buffer.Dispose();
}
