namespace ReplicaFs.Api.Data.Repair;

/// <summary>A repair source failed (unreachable, an error answer, a broken transfer) or sent bytes that do not verify; nothing was stored.</summary>
internal sealed class RepairSourceException : Exception
{
    /// <summary>A failed repair; <paramref name="badBytes"/> when the source answered with bytes (or a checksum) other than the committed ones.</summary>
    public RepairSourceException(string message, bool badBytes, Exception? innerException)
        : base(message, innerException)
    {
        BadBytes = badBytes;
    }

    /// <summary>Needed by the analyzers; prefer the other constructors.</summary>
    public RepairSourceException()
    {
    }

    /// <summary>Needed by the analyzers; prefer the other constructors.</summary>
    public RepairSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Needed by the analyzers; prefer the other constructors.</summary>
    public RepairSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether the source sent bytes (or announced a checksum) that do not match the committed checksum.</summary>
    public bool BadBytes { get; }
}
