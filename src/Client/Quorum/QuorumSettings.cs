namespace ReplicaFs.Client.Quorum;

/// <summary>
/// The read quorum (Qr) and write quorum (Qw) a client uses over chunks with R replicas.
/// 1 ≤ Qr ≤ R and 1 ≤ Qw ≤ R; when Qr + Qw ≤ R a read may miss the latest write, which is allowed but reported
/// as not strongly consistent.
/// </summary>
public sealed record QuorumSettings
{
    private QuorumSettings(int readQuorum, int writeQuorum, int replicas)
    {
        ReadQuorum = readQuorum;
        WriteQuorum = writeQuorum;
        Replicas = replicas;
    }

    /// <summary>Replicas that must agree with the committed version for a read to succeed (Qr).</summary>
    public int ReadQuorum { get; }

    /// <summary>Replicas that must durably store a write before it is committed (Qw).</summary>
    public int WriteQuorum { get; }

    /// <summary>Replicas per chunk (R) in the cluster.</summary>
    public int Replicas { get; }

    /// <summary>Whether every read quorum overlaps every write quorum (Qr + Qw &gt; R).</summary>
    public bool IsStronglyConsistent => ReadQuorum + WriteQuorum > Replicas;

    /// <summary>A sentence describing the consistency these settings give.</summary>
    public string Describe() => IsStronglyConsistent
        ? $"Qr={ReadQuorum}, Qw={WriteQuorum}, R={Replicas}: strongly consistent (Qr + Qw > R)."
        : $"Qr={ReadQuorum}, Qw={WriteQuorum}, R={Replicas}: NOT strongly consistent (Qr + Qw <= R): a read may miss the latest write.";

    /// <summary>Validates the quorums against the replica count.</summary>
    /// <exception cref="ArgumentException">A quorum is out of range; the message says which and why.</exception>
    public static QuorumSettings Create(int readQuorum, int writeQuorum, int replicas)
    {
        if (replicas < 1)
        {
            throw new ArgumentException($"The replica count must be at least 1 (got {replicas}).", nameof(replicas));
        }

        if (readQuorum < 1 || readQuorum > replicas)
        {
            throw new ArgumentException($"The read quorum Qr must be between 1 and the replica count {replicas} (got {readQuorum}).", nameof(readQuorum));
        }

        if (writeQuorum < 1 || writeQuorum > replicas)
        {
            throw new ArgumentException($"The write quorum Qw must be between 1 and the replica count {replicas} (got {writeQuorum}).", nameof(writeQuorum));
        }

        return new QuorumSettings(readQuorum, writeQuorum, replicas);
    }
}
