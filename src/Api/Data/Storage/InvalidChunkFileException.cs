namespace ReplicaFs.Api.Data.Storage;

/// <summary>A chunk file's header, length or block table does not check out.</summary>
internal sealed class InvalidChunkFileException : IOException
{
    public InvalidChunkFileException()
    {
    }

    public InvalidChunkFileException(string message)
        : base(message)
    {
    }

    public InvalidChunkFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
