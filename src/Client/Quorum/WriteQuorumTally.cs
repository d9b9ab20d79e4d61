namespace ReplicaFs.Client.Quorum;

/// <summary>
/// The pure decision logic of a quorum write of one chunk version: it counts acknowledgements and failures of the
/// replicas the lease named. The write may be committed once Qw replicas acknowledged; it has failed as soon as
/// fewer than Qw can still acknowledge (every other answer is a failure of that replica).
/// </summary>
internal sealed class WriteQuorumTally
{
    private readonly ReplicaReply[] _replies;

    /// <summary>A tally over <paramref name="replicaCount"/> replicas needing <paramref name="writeQuorum"/> acknowledgements.</summary>
    public WriteQuorumTally(int replicaCount, int writeQuorum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writeQuorum, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(replicaCount);
        _replies = new ReplicaReply[replicaCount];
        WriteQuorum = writeQuorum;
    }

    /// <summary>Qw.</summary>
    public int WriteQuorum { get; }

    /// <summary>Number of replicas.</summary>
    public int Count => _replies.Length;

    /// <summary>Replicas that acknowledged.</summary>
    public int Acknowledged { get; private set; }

    /// <summary>Replicas that answered with a failure.</summary>
    public int FailedCount { get; private set; }

    /// <summary>Replicas that have not answered.</summary>
    public int Pending => _replies.Length - Acknowledged - FailedCount;

    /// <summary>Qw acknowledgements are in: the version may be committed.</summary>
    public bool Reached => Acknowledged >= WriteQuorum;

    /// <summary>Qw acknowledgements can no longer be reached: the write failed.</summary>
    public bool Impossible => Acknowledged + Pending < WriteQuorum;

    /// <summary>Every replica answered.</summary>
    public bool Complete => Pending == 0;

    /// <summary>The answer of a replica (<see cref="ReplicaVerdict.Pending"/> until it answered).</summary>
    public ReplicaReply Reply(int replica) => _replies[replica];

    /// <summary>Records the answer of a replica (once).</summary>
    public void Record(int replica, ReplicaReply reply)
    {
        if (reply.Verdict == ReplicaVerdict.Pending)
        {
            throw new ArgumentException("An answer cannot be pending.", nameof(reply));
        }

        if (_replies[replica].Verdict != ReplicaVerdict.Pending)
        {
            throw new InvalidOperationException($"Replica {replica} already answered.");
        }

        _replies[replica] = reply;
        if (reply.Verdict == ReplicaVerdict.Ok)
        {
            Acknowledged++;
        }
        else
        {
            FailedCount++;
        }
    }
}
