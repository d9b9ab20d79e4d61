using System.Collections.Concurrent;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Quorum;

/// <summary>
/// Tracks how fast each data server answers (an exponentially weighted moving average) and which ones failed
/// recently (penalised for a back-off that doubles per consecutive failure, up to 30 s), to pick the byte source
/// of a read: replicas the metadata server lists as Ok first, then healthy before penalised, then the fastest.
/// </summary>
public sealed class ReplicaLatencyTracker(TimeProvider time)
{
    private const double Weight = 0.2;
    private static readonly TimeSpan MaxPenalty = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstPenalty = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<string, Stats> _servers = new(StringComparer.Ordinal);

    /// <summary>A tracker on the system clock.</summary>
    public ReplicaLatencyTracker()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Records a successful call to <paramref name="url"/> that took <paramref name="elapsed"/>.</summary>
    public void RecordSuccess(string url, TimeSpan elapsed)
    {
        var stats = _servers.GetOrAdd(url, static _ => new Stats());
        lock (stats)
        {
            var ms = elapsed.TotalMilliseconds;
            stats.AverageMs = stats.Samples == 0 ? ms : (Weight * ms) + ((1 - Weight) * stats.AverageMs);
            stats.Samples++;
            stats.ConsecutiveFailures = 0;
            stats.PenalisedUntil = DateTimeOffset.MinValue;
        }
    }

    /// <summary>Records that <paramref name="url"/> could not be reached or did not answer in time.</summary>
    public void RecordFailure(string url)
    {
        var stats = _servers.GetOrAdd(url, static _ => new Stats());
        lock (stats)
        {
            stats.ConsecutiveFailures++;
            var penalty = FirstPenalty * Math.Pow(2, Math.Min(stats.ConsecutiveFailures - 1, 10));
            stats.PenalisedUntil = time.GetUtcNow() + (penalty > MaxPenalty ? MaxPenalty : penalty);
        }
    }

    /// <summary>The average latency of <paramref name="url"/>, if known.</summary>
    public TimeSpan? Average(string url)
    {
        if (!_servers.TryGetValue(url, out var stats))
        {
            return null;
        }

        lock (stats)
        {
            return stats.Samples == 0 ? null : TimeSpan.FromMilliseconds(stats.AverageMs);
        }
    }

    /// <summary>Whether <paramref name="url"/> failed recently.</summary>
    public bool IsPenalised(string url)
    {
        if (!_servers.TryGetValue(url, out var stats))
        {
            return false;
        }

        lock (stats)
        {
            return stats.PenalisedUntil > time.GetUtcNow();
        }
    }

    /// <summary>Fills <paramref name="order"/> with the positions of <paramref name="replicas"/>, best byte source first.</summary>
    public void Rank(IReadOnlyList<ReplicaInfo> replicas, Span<int> order)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        var count = replicas.Count;
        Span<double> keys = count <= 32 ? stackalloc double[count] : new double[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
            var replica = replicas[i];

            // Unknown servers rank as fast, so that every server gets measured.
            var latency = Average(replica.Url)?.TotalMilliseconds ?? 0;
            keys[i] = (replica.State == ReplicaState.Ok ? 0 : 2e9) + (IsPenalised(replica.Url) ? 1e9 : 0) + latency;
        }

        // Insertion sort: replica sets are small and the order must be stable for equal keys.
        for (var i = 1; i < count; i++)
        {
            var key = keys[i];
            var value = order[i];
            var j = i - 1;
            while (j >= 0 && keys[j] > key)
            {
                keys[j + 1] = keys[j];
                order[j + 1] = order[j];
                j--;
            }

            keys[j + 1] = key;
            order[j + 1] = value;
        }
    }

    private sealed class Stats
    {
        public double AverageMs;
        public long Samples;
        public int ConsecutiveFailures;
        public DateTimeOffset PenalisedUntil = DateTimeOffset.MinValue;
    }
}
