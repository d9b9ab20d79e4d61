namespace ReplicaFs.Api.Data.Storage;

/// <summary>Received bytes do not hash to the checksum they were expected to have; nothing was stored.</summary>
internal sealed class ChecksumMismatchException : Exception
{
    /// <summary>Says what the bytes hashed to instead.</summary>
    public ChecksumMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Needed by the analyzers; prefer the message constructor.</summary>
    public ChecksumMismatchException()
    {
    }

    /// <summary>Needed by the analyzers; prefer the message constructor.</summary>
    public ChecksumMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
