using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Quorum;

/// <summary>What the read coordinator should do next.</summary>
internal enum ReadStep
{
    /// <summary>Wait for the next reply.</summary>
    Wait = 0,

    /// <summary>Fetch the bytes from <see cref="ReadDecision.Replica"/>.</summary>
    FetchBytes = 1,

    /// <summary>Cancel the byte fetch from <see cref="ReadDecision.Replica"/>: its digest does not agree.</summary>
    CancelBytes = 2,

    /// <summary>Qr replicas agree and verified bytes from one of them are in hand.</summary>
    Succeeded = 3,

    /// <summary>The quorum cannot be reached any more.</summary>
    Failed = 4,
}

/// <summary>The next step and the replica (position in the replica list) it concerns.</summary>
internal readonly record struct ReadDecision(ReadStep Step, int Replica = -1);

/// <summary>A replica found bad during a read, to be reported and repaired.</summary>
/// <param name="Replica">Position in the replica list.</param>
/// <param name="State">Stale, corrupt or missing.</param>
/// <param name="Detail">What was seen.</param>
internal readonly record struct ReadFinding(int Replica, ReplicaState State, string Detail);

/// <summary>
/// The pure decision logic of a quorum read of one chunk. It is fed the digest each replica reports and the outcome
/// of byte fetches, and decides what to do next. Rules:
/// <list type="bullet">
/// <item>a replica agrees when its digest matches the committed (version, checksum) and is intact, and, if bytes were
/// fetched from it, they did not fail verification and were not missing;</item>
/// <item>the read succeeds when at least Qr replicas agree and verified bytes from an agreeing replica are in hand;</item>
/// <item>it fails as soon as too few replicas can still agree, or no agreeing (or undecided) replica is left to
/// fetch bytes from;</item>
/// <item>bytes are fetched from one replica at a time, in the caller's preference order, agreeing replicas first;
/// a fetch from a replica whose digest disagrees is cancelled;</item>
/// <item>stale, corrupt and missing replicas become findings (to repair); unreachable or failing ones never do.</item>
/// </list>
/// </summary>
internal sealed class ReadQuorumTally
{
    private readonly Replica[] _replicas;
    private readonly int _readQuorum;

    /// <summary>A tally over <paramref name="replicaCount"/> replicas needing <paramref name="readQuorum"/> agreeing ones.</summary>
    public ReadQuorumTally(int replicaCount, int readQuorum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readQuorum, 1);
        _replicas = new Replica[replicaCount];
        _readQuorum = readQuorum;
    }

    /// <summary>Number of replicas.</summary>
    public int Count => _replicas.Length;

    /// <summary>Qr.</summary>
    public int ReadQuorum => _readQuorum;

    /// <summary>Replicas that agree right now.</summary>
    public int Agreeing
    {
        get
        {
            var count = 0;
            foreach (var r in _replicas)
            {
                if (r.Agrees)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>Replicas whose digest has not arrived yet.</summary>
    public int PendingDigests
    {
        get
        {
            var count = 0;
            foreach (var r in _replicas)
            {
                if (r.Digest == ReplicaVerdict.Pending)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The replica whose verified bytes are served, once the read succeeded; else -1.</summary>
    public int ByteSource
    {
        get
        {
            for (var i = 0; i < _replicas.Length; i++)
            {
                if (_replicas[i].Bytes == BytesState.Verified && _replicas[i].Agrees)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>Why the read failed (when <see cref="Next"/> said so).</summary>
    public string FailureReason =>
        Agreeing + PossibleAgreeing < _readQuorum
            ? $"only {Agreeing} of {_replicas.Length} replicas agree with the committed version and checksum, {_readQuorum} needed"
            : "no agreeing replica delivered bytes that verify against the committed checksum";

    private int PossibleAgreeing
    {
        get
        {
            var count = 0;
            foreach (var r in _replicas)
            {
                if (r.Digest == ReplicaVerdict.Pending && !r.BytesDisqualify)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>The digest verdict of a replica (Pending until it answered).</summary>
    public ReplicaVerdict DigestVerdict(int replica) => _replicas[replica].Digest;

    /// <summary>The detail of a replica's answers.</summary>
    public ReplicaOutcome Outcome(int replica, int serverId, string url)
    {
        var r = _replicas[replica];
        var verdict = r.Digest == ReplicaVerdict.Ok && r.BytesDisqualify ? r.BytesVerdict : r.Digest;
        var detail = r.BytesDetail is null ? r.DigestDetail : $"{r.DigestDetail}; bytes: {r.BytesDetail}";
        return new ReplicaOutcome(serverId, url, verdict, detail ?? string.Empty);
    }

    /// <summary>Records the digest verdict of a replica.</summary>
    public void RecordDigest(int replica, ReplicaVerdict verdict, string detail)
    {
        if (verdict == ReplicaVerdict.Pending)
        {
            throw new ArgumentException("A digest reply cannot be pending.", nameof(verdict));
        }

        ref var r = ref _replicas[replica];
        if (r.Digest != ReplicaVerdict.Pending)
        {
            throw new InvalidOperationException($"Replica {replica} already answered its digest.");
        }

        r.Digest = verdict;
        r.DigestDetail = detail;
    }

    /// <summary>Records that a byte fetch from a replica started.</summary>
    public void StartBytes(int replica)
    {
        ref var r = ref _replicas[replica];
        if (r.Bytes != BytesState.NotTried)
        {
            throw new InvalidOperationException($"Bytes were already fetched from replica {replica}.");
        }

        if (InFlight() >= 0)
        {
            throw new InvalidOperationException("Only one byte fetch runs at a time.");
        }

        r.Bytes = BytesState.InFlight;
    }

    /// <summary>Records the outcome of a byte fetch: <see cref="ReplicaVerdict.Ok"/> when the bytes verified.</summary>
    public void RecordBytes(int replica, ReplicaVerdict verdict, string detail)
    {
        ref var r = ref _replicas[replica];
        if (r.Bytes is not (BytesState.InFlight or BytesState.Cancelling))
        {
            throw new InvalidOperationException($"No byte fetch from replica {replica} is running.");
        }

        if (r.Bytes == BytesState.Cancelling && r.Hedged && verdict != ReplicaVerdict.Ok)
        {
            // Abandoned only for being slow: it may still serve the bytes later if nobody else can.
            r.Bytes = BytesState.NotTried;
            return;
        }

        r.Bytes = verdict == ReplicaVerdict.Ok ? BytesState.Verified : BytesState.Failed;
        r.BytesVerdict = verdict;
        r.BytesDetail = verdict == ReplicaVerdict.Ok ? null : detail;
    }

    /// <summary>Decides the next step, given the byte-source preference order (positions, best first).</summary>
    public ReadDecision Next(ReadOnlySpan<int> preference)
    {
        var agreeing = Agreeing;
        if (agreeing >= _readQuorum && ByteSource >= 0)
        {
            return new ReadDecision(ReadStep.Succeeded, ByteSource);
        }

        if (agreeing + PossibleAgreeing < _readQuorum || !SourcePossible())
        {
            var running = InFlight();
            return running >= 0 && _replicas[running].Bytes == BytesState.InFlight
                ? Cancel(running)
                : new ReadDecision(ReadStep.Failed);
        }

        var inFlight = InFlight();
        if (inFlight >= 0)
        {
            var r = _replicas[inFlight];
            return r.Bytes == BytesState.InFlight && r.Digest is not (ReplicaVerdict.Pending or ReplicaVerdict.Ok)
                ? Cancel(inFlight)
                : new ReadDecision(ReadStep.Wait);
        }

        // Verified bytes whose digest is still out: wait for the digest rather than fetching the same bytes again.
        for (var i = 0; i < _replicas.Length; i++)
        {
            if (_replicas[i].Bytes == BytesState.Verified && _replicas[i].Digest is ReplicaVerdict.Pending or ReplicaVerdict.Ok)
            {
                return new ReadDecision(ReadStep.Wait);
            }
        }

        var candidate = Candidate(preference, ReplicaVerdict.Ok);
        if (candidate < 0)
        {
            candidate = Candidate(preference, ReplicaVerdict.Pending);
        }

        return candidate >= 0 ? new ReadDecision(ReadStep.FetchBytes, candidate) : new ReadDecision(ReadStep.Wait);
    }

    /// <summary>
    /// Called when the byte fetch has run for a while: if its replica has still not reported its digest while Qr
    /// others already agree, and an agreeing replica has not been tried yet, the fetch is abandoned so that bytes
    /// come from an agreeing replica instead of waiting for a slow or hung one. Returns the replica to cancel, or -1.
    /// </summary>
    public int AbandonSlowSource(ReadOnlySpan<int> preference)
    {
        var inFlight = SlowSource(preference);
        if (inFlight >= 0)
        {
            _replicas[inFlight].Bytes = BytesState.Cancelling;
            _replicas[inFlight].Hedged = true;
        }

        return inFlight;
    }

    /// <summary>The replica <see cref="AbandonSlowSource"/> would abandon now, or -1 (changes nothing).</summary>
    public int SlowSource(ReadOnlySpan<int> preference)
    {
        var inFlight = InFlight();
        return inFlight < 0
            || _replicas[inFlight].Bytes != BytesState.InFlight
            || _replicas[inFlight].Hedged
            || _replicas[inFlight].Digest != ReplicaVerdict.Pending
            || Agreeing < _readQuorum
            || Candidate(preference, ReplicaVerdict.Ok) < 0
                ? -1
                : inFlight;
    }

    /// <summary>Replicas found stale, corrupt or missing (never unreachable or failing ones).</summary>
    public List<ReadFinding> Findings()
    {
        var findings = new List<ReadFinding>();
        for (var i = 0; i < _replicas.Length; i++)
        {
            var r = _replicas[i];
            var state = r.Digest switch
            {
                ReplicaVerdict.Stale => ReplicaState.Stale,
                ReplicaVerdict.Corrupt => ReplicaState.Corrupt,
                ReplicaVerdict.Missing => ReplicaState.Missing,
                ReplicaVerdict.Ok when r.Bytes == BytesState.Failed && r.BytesVerdict == ReplicaVerdict.Corrupt => ReplicaState.Corrupt,
                ReplicaVerdict.Ok when r.Bytes == BytesState.Failed && r.BytesVerdict == ReplicaVerdict.Missing => ReplicaState.Missing,
                _ => (ReplicaState?)null,
            };
            if (state is { } s)
            {
                var detail = r.Digest == ReplicaVerdict.Ok ? r.BytesDetail ?? string.Empty : r.DigestDetail ?? string.Empty;
                findings.Add(new ReadFinding(i, s, detail));
            }
        }

        return findings;
    }

    /// <summary>Agreeing replicas, the byte source first: the sources a bad replica can repair itself from.</summary>
    public List<int> GoodReplicas()
    {
        var good = new List<int>();
        var source = ByteSource;
        if (source >= 0)
        {
            good.Add(source);
        }

        for (var i = 0; i < _replicas.Length; i++)
        {
            if (i != source && _replicas[i].Agrees)
            {
                good.Add(i);
            }
        }

        return good;
    }

    private ReadDecision Cancel(int replica)
    {
        _replicas[replica].Bytes = BytesState.Cancelling;
        return new ReadDecision(ReadStep.CancelBytes, replica);
    }

    private int InFlight()
    {
        for (var i = 0; i < _replicas.Length; i++)
        {
            if (_replicas[i].Bytes is BytesState.InFlight or BytesState.Cancelling)
            {
                return i;
            }
        }

        return -1;
    }

    private bool SourcePossible()
    {
        foreach (var r in _replicas)
        {
            if (r.Digest is ReplicaVerdict.Pending or ReplicaVerdict.Ok
                && r.Bytes is BytesState.NotTried or BytesState.InFlight or BytesState.Verified)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first untried replica with the given digest verdict; replicas abandoned for slowness come last.</summary>
    private int Candidate(ReadOnlySpan<int> preference, ReplicaVerdict digest)
    {
        foreach (var hedged in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var i in preference)
            {
                if (_replicas[i].Bytes == BytesState.NotTried && _replicas[i].Digest == digest && _replicas[i].Hedged == hedged)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private enum BytesState
    {
        NotTried = 0,
        InFlight = 1,
        Cancelling = 2,
        Verified = 3,
        Failed = 4,
    }

    private struct Replica
    {
        public ReplicaVerdict Digest;
        public string? DigestDetail;
        public BytesState Bytes;
        public ReplicaVerdict BytesVerdict;
        public string? BytesDetail;
        public bool Hedged;

        /// <summary>Served bytes that failed verification, or said the version is missing although its digest agreed.</summary>
        public readonly bool BytesDisqualify => Bytes == BytesState.Failed && BytesVerdict is ReplicaVerdict.Corrupt or ReplicaVerdict.Missing;

        public readonly bool Agrees => Digest == ReplicaVerdict.Ok && !BytesDisqualify;
    }
}
