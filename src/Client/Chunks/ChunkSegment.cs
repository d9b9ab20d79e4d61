namespace ReplicaFs.Client.Chunks;

/// <summary>The part of a byte range of a file that falls into one chunk.</summary>
/// <param name="Index">The chunk index in the file.</param>
/// <param name="ChunkOffset">Offset of the first byte inside the chunk.</param>
/// <param name="Length">Number of bytes inside this chunk.</param>
/// <param name="BufferOffset">Offset of the first byte relative to the start of the whole range.</param>
internal readonly record struct ChunkSegment(long Index, int ChunkOffset, int Length, long BufferOffset)
{
    /// <summary>Offset just past the last byte inside the chunk.</summary>
    public int ChunkEnd => ChunkOffset + Length;
}
