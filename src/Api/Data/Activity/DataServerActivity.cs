using System.Diagnostics;
using ReplicaFs.Api.Data.Rebuild;
using ReplicaFs.Api.Data.Scrub;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Activity;

/// <summary>
/// What the data server is doing, for heartbeats and <c>/api/stats</c>: chunk requests and bytes since the process
/// started, the mean latency of chunk requests over the last heartbeat interval, repairs, and the rebuild and
/// scrub progress. The hot path only does interlocked additions.
/// </summary>
internal sealed class DataServerActivity(RebuildProgressTracker rebuild, ScrubProgressTracker scrub)
{
    private long _requests;
    private long _bytesRead;
    private long _bytesWritten;
    private long _repairs;
    private long _intervalRequests;
    private long _intervalTicks;
    private long _lastLatencyMicros;

    /// <summary>Chunk requests served since the process started.</summary>
    public long RequestsServed => Interlocked.Read(ref _requests);

    /// <summary>Replicas repaired from peers since the process started.</summary>
    public long RepairsDone => Interlocked.Read(ref _repairs);

    /// <summary>Counts a chunk request that took <paramref name="elapsedTicks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void RequestServed(long elapsedTicks)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _intervalRequests);
        Interlocked.Add(ref _intervalTicks, elapsedTicks);
    }

    /// <summary>Counts chunk bytes sent.</summary>
    public void BytesRead(long bytes) => Interlocked.Add(ref _bytesRead, bytes);

    /// <summary>Counts chunk bytes made durable.</summary>
    public void BytesWritten(long bytes) => Interlocked.Add(ref _bytesWritten, bytes);

    /// <summary>Counts a replica repaired from a peer.</summary>
    public void RepairDone() => Interlocked.Increment(ref _repairs);

    /// <summary>
    /// Ends a heartbeat interval: its mean latency becomes the one reported until the next call. Requests that
    /// finish during the call may land in either interval; the mean is approximate by that much.
    /// </summary>
    public void CloseInterval()
    {
        var count = Interlocked.Exchange(ref _intervalRequests, 0);
        var ticks = Interlocked.Exchange(ref _intervalTicks, 0);
        var micros = count == 0 ? 0 : (long)(ticks * 1_000_000.0 / Stopwatch.Frequency / count);
        Interlocked.Exchange(ref _lastLatencyMicros, micros);
    }

    /// <summary>The activity now.</summary>
    public ServerActivity Snapshot() => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _bytesRead),
        Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _lastLatencyMicros) / 1000.0,
        rebuild.Current,
        scrub.Current,
        Interlocked.Read(ref _repairs));
}
