using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Quorum;

/// <summary>Whether a quorum failure happened while reading or writing.</summary>
public enum QuorumOperation
{
    /// <summary>A quorum read (Qr).</summary>
    Read = 0,

    /// <summary>A quorum write (Qw).</summary>
    Write = 1,
}

/// <summary>
/// Too few replicas agreed (read) or acknowledged (write). Always <see cref="Errno.EIO"/> for the application; the
/// properties say exactly which replica said what. A failed write committed nothing: the previous version stays visible.
/// </summary>
public sealed class QuorumException : PosixException
{
    /// <summary>Creates the exception; the message is built from the details.</summary>
    public QuorumException(QuorumOperation operation, long ino, long chunkId, long index, long version, int required, int achieved, IReadOnlyList<ReplicaOutcome> replicas, string? reason = null)
        : base(Errno.EIO, Describe(operation, ino, chunkId, index, version, required, achieved, replicas, reason))
    {
        Operation = operation;
        Ino = ino;
        ChunkId = chunkId;
        Index = index;
        Version = version;
        Required = required;
        Achieved = achieved;
        Replicas = replicas;
        Reason = reason;
    }

    public QuorumException()
        : this("A quorum was not reached.")
    {
    }

    public QuorumException(string message)
        : base(Errno.EIO, message)
    {
        Replicas = [];
    }

    public QuorumException(string message, Exception innerException)
        : base(Errno.EIO, message, innerException)
    {
        Replicas = [];
    }

    /// <summary>Read or write.</summary>
    public QuorumOperation Operation { get; }

    /// <summary>The file.</summary>
    public long Ino { get; }

    /// <summary>The chunk (0 when it had no id yet).</summary>
    public long ChunkId { get; }

    /// <summary>The chunk index in the file.</summary>
    public long Index { get; }

    /// <summary>Read: the committed version; write: the version that was being written.</summary>
    public long Version { get; }

    /// <summary>Qr or Qw.</summary>
    public int Required { get; }

    /// <summary>Replicas that agreed (read) or acknowledged (write).</summary>
    public int Achieved { get; }

    /// <summary>Every replica and what it said.</summary>
    public IReadOnlyList<ReplicaOutcome> Replicas { get; }

    /// <summary>Extra explanation, e.g. that no agreeing replica delivered verifiable bytes.</summary>
    public string? Reason { get; }

    private static string Describe(QuorumOperation operation, long ino, long chunkId, long index, long version, int required, int achieved, IReadOnlyList<ReplicaOutcome> replicas, string? reason)
    {
        var what = operation == QuorumOperation.Read
            ? $"Quorum read of chunk {chunkId} (ino {ino}, index {index}, committed version {version}) failed: {achieved} of {replicas.Count} replicas agree, Qr={required}"
            : $"Quorum write of chunk {chunkId} (ino {ino}, index {index}, version {version}) failed: {achieved} of {replicas.Count} replicas acknowledged, Qw={required}";
        return $"{what}{(reason is null ? string.Empty : $" ({reason})")}. {string.Join("; ", replicas)}.";
    }
}
