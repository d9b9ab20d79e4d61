using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Quorum;

/// <summary>
/// The chunk map the caller used is out of date: the chunk has a newer committed version (or no longer exists).
/// Thrown instead of a quorum failure so that the caller reads again with <see cref="Current"/>.
/// </summary>
internal sealed class ChunkChangedException : Exception
{
    public ChunkChangedException(ChunkInfo? current)
        : base(current is null ? "The chunk no longer exists." : $"Chunk {current.ChunkId} now has committed version {current.Version}.")
    {
        Current = current;
    }

    public ChunkChangedException()
    {
    }

    public ChunkChangedException(string message)
        : base(message)
    {
    }

    public ChunkChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The chunk as the metadata server has it now; null when it was dropped (truncate) or the file is gone.</summary>
    public ChunkInfo? Current { get; }
}
