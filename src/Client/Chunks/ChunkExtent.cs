using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Chunks;

/// <summary>
/// The rules that decide which bytes of a chunk come from its replicas and which read as zeros, and how a
/// truncate changes the chunk map. Both the metadata server and every cache in the client follow them:
/// <list type="bullet">
/// <item>a chunk holds file bytes [Index × chunkSize, Index × chunkSize + Length); its stored copy may be longer
/// (after a shrinking truncate) and the rest is ignored;</item>
/// <item>bytes below the file size that no chunk holds (holes, and the tail of a chunk beyond its Length) read as zeros;</item>
/// <item>truncating to a size drops every chunk that starts at or beyond it and clamps the boundary chunk's Length.</item>
/// </list>
/// </summary>
internal static class ChunkExtent
{
    /// <summary>
    /// How many leading bytes of the chunk at <paramref name="index"/> come from its replicas: its Length, but never
    /// past the file size. 0 for a hole.
    /// </summary>
    public static int ReadableLength(ChunkInfo? chunk, long index, int chunkSize, long fileSize)
    {
        if (chunk is null)
        {
            return 0;
        }

        var start = index * chunkSize;
        var beforeEnd = Math.Max(0, fileSize - start);
        return (int)Math.Min(Math.Min(chunk.Length, chunkSize), beforeEnd);
    }

    /// <summary>
    /// The chunk as it is after truncating the file to <paramref name="newSize"/>: null when the chunk lies entirely at
    /// or beyond the new size, else the chunk with its Length clamped.
    /// </summary>
    public static ChunkInfo? AfterTruncate(ChunkInfo chunk, int chunkSize, long newSize)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var start = chunk.Index * chunkSize;
        if (start >= newSize)
        {
            return null;
        }

        var limit = newSize - start;
        return chunk.Length > limit ? chunk with { Length = limit } : chunk;
    }

    /// <summary>
    /// The length of a chunk after writing: the readable base bytes are kept and the written bytes extend it.
    /// </summary>
    public static int LengthAfterWrite(int baseReadable, int writtenEnd) => Math.Max(baseReadable, writtenEnd);
}
