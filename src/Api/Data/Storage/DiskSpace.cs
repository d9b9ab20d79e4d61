namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Whether the data directory is full, as the writes found it: a write refused with ENOSPC (a real full disk, or the
/// injected <c>disk-full</c> fault) marks it full, the next write that succeeds marks it writable again. The
/// <see cref="Events.DiskSpaceReporter"/> tells the metadata server's event log about each change.
/// </summary>
internal sealed class DiskSpace
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _fullSince;
    private long _refusals;
    private volatile bool _injectedFull;

    /// <summary>Since when writes are refused for lack of space; null while they succeed.</summary>
    public DateTimeOffset? FullSince
    {
        get
        {
            lock (_gate)
            {
                return _fullSince;
            }
        }
    }

    /// <summary>Writes refused for lack of space since the server started.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Whether the disk-full fault is injected: every write is refused with ENOSPC as if the disk were full.</summary>
    public bool InjectedFull => _injectedFull;

    /// <summary>Injects or ends the disk-full fault.</summary>
    public void Inject(bool full) => _injectedFull = full;

    /// <summary>A write was refused with ENOSPC at <paramref name="now"/>.</summary>
    public void RecordNoSpace(DateTimeOffset now)
    {
        Interlocked.Increment(ref _refusals);
        lock (_gate)
        {
            _fullSince ??= now;
        }
    }

    /// <summary>A write succeeded: there is room again.</summary>
    public void RecordWritten()
    {
        lock (_gate)
        {
            _fullSince = null;
        }
    }
}
