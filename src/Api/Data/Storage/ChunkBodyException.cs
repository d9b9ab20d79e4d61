namespace ReplicaFs.Api.Data.Storage;

/// <summary>What is wrong with a chunk body received from a client or a peer.</summary>
internal enum ChunkBodyProblem
{
    /// <summary>Larger than the largest chunk accepted.</summary>
    TooLarge,

    /// <summary>Shorter or longer than announced, or the sender went away.</summary>
    Incomplete,
}

/// <summary>A chunk body could not be received as announced; nothing was stored.</summary>
internal sealed class ChunkBodyException : Exception
{
    public ChunkBodyException()
    {
    }

    public ChunkBodyException(string message)
        : base(message)
    {
    }

    public ChunkBodyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ChunkBodyException(ChunkBodyProblem problem, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
    }

    /// <summary>What went wrong.</summary>
    public ChunkBodyProblem Problem { get; }
}
