using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Scrub;

/// <summary>Progress of the current (or last) scrub pass, as reported in heartbeats and <c>/api/stats</c>. Thread-safe.</summary>
internal sealed class ScrubProgressTracker(TimeProvider time)
{
    private readonly Lock _gate = new();
    private ScrubProgress? _current;

    /// <summary>The current or last pass; null before the first.</summary>
    public ScrubProgress? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Starts a pass over <paramref name="chunks"/> chunk versions, unless one is running; returns the running pass and whether it is new.</summary>
    public (ScrubProgress Progress, bool Started) TryStart(long chunks)
    {
        lock (_gate)
        {
            if (_current is { Active: true } running)
            {
                return (running, false);
            }

            _current = new ScrubProgress(true, 0, chunks, 0, 0, time.GetUtcNow(), null);
            return (_current, true);
        }
    }

    /// <summary>One chunk version verified.</summary>
    public void Checked(long bytes, bool corrupt) => Update(p => p with
    {
        ChunksChecked = p.ChunksChecked + 1,
        ChunksTotal = Math.Max(p.ChunksTotal, p.ChunksChecked + 1),
        BytesChecked = p.BytesChecked + bytes,
        CorruptFound = p.CorruptFound + (corrupt ? 1 : 0),
    });

    /// <summary>A chunk version of the pass's total vanished (deleted) before it was checked.</summary>
    public void Skipped() => Update(p => p with { ChunksTotal = Math.Max(p.ChunksChecked, p.ChunksTotal - 1) });

    /// <summary>Ends the pass.</summary>
    public ScrubProgress? Finish()
    {
        Update(p => p with { Active = false, FinishedAt = time.GetUtcNow() });
        return Current;
    }

    private void Update(Func<ScrubProgress, ScrubProgress> change)
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
