using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Rebuild;

/// <summary>
/// Progress of the current (or last) pass of the <see cref="AssignmentPuller"/>, as reported in heartbeats and
/// <c>/api/stats</c>. Null until the first pass that had something to copy. Thread-safe.
/// </summary>
internal sealed class RebuildProgressTracker(TimeProvider time)
{
    private readonly Lock _gate = new();
    private RebuildProgress? _current;
    private long _badSources;
    private long _alreadyHeld;

    /// <summary>The current or last pass; null before the first.</summary>
    public RebuildProgress? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Sources whose bytes did not verify in the current or last pass.</summary>
    public long BadSources => Interlocked.Read(ref _badSources);

    /// <summary>Replicas found already held and intact locally (reported without copying) in the current or last pass.</summary>
    public long AlreadyHeld => Interlocked.Read(ref _alreadyHeld);

    /// <summary>Starts a pass of <paramref name="chunks"/> replicas and <paramref name="bytes"/> bytes.</summary>
    public RebuildProgress Start(long chunks, long bytes)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _badSources, 0);
            Interlocked.Exchange(ref _alreadyHeld, 0);
            _current = new RebuildProgress(true, 0, chunks, 0, bytes, 0, time.GetUtcNow(), null);
            return _current;
        }
    }

    /// <summary>Raises the totals when more work appeared during the pass.</summary>
    public void Grow(long chunks, long bytes) => Update(p => p with
    {
        ChunksTotal = Math.Max(p.ChunksTotal, chunks),
        BytesTotal = Math.Max(p.BytesTotal, bytes),
    });

    /// <summary>One replica copied (or found intact locally) and verified.</summary>
    public void Copied(long bytes, bool alreadyHeld)
    {
        if (alreadyHeld)
        {
            Interlocked.Increment(ref _alreadyHeld);
        }

        Update(p => Fit(p with { ChunksDone = p.ChunksDone + 1, BytesDone = p.BytesDone + bytes }));
    }

    /// <summary>One replica that could not be copied in this pass.</summary>
    public void Failed() => Update(p => Fit(p with { Failed = p.Failed + 1 }));

    /// <summary>A source sent bytes that did not verify.</summary>
    public void BadSource() => Interlocked.Increment(ref _badSources);

    /// <summary>Ends the pass.</summary>
    public RebuildProgress? Finish()
    {
        Update(p => p with { Active = false, FinishedAt = time.GetUtcNow() });
        return Current;
    }

    private static RebuildProgress Fit(RebuildProgress p) => p with
    {
        ChunksTotal = Math.Max(p.ChunksTotal, p.ChunksDone + p.Failed),
        BytesTotal = Math.Max(p.BytesTotal, p.BytesDone),
    };

    private void Update(Func<RebuildProgress, RebuildProgress> change)
    {
        lock (_gate)
        {
            if (_current is { } current)
            {
                _current = change(current);
            }
        }
    }
}
