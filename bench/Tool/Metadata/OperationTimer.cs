using System.Diagnostics;
using ReplicaFs.Bench.Results;

namespace ReplicaFs.Bench.Metadata;

/// <summary>Times a phase of equal operations: total wall time plus each operation's latency.</summary>
internal sealed class OperationTimer
{
    private readonly long[] _ticks;
    private int _count;
    private long _phaseStart;
    private long _phaseEnd;

    public OperationTimer(int capacity)
    {
        _ticks = new long[capacity];
    }

    /// <summary>Starts the phase clock; call right before the first operation.</summary>
    public void StartPhase()
    {
        _count = 0;
        _phaseStart = Stopwatch.GetTimestamp();
    }

    /// <summary>Records one operation that began at <paramref name="startTimestamp"/> and has just ended.</summary>
    public void Record(long startTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        _ticks[_count++] = now - startTimestamp;
        _phaseEnd = now;
    }

    /// <summary>Seconds from <see cref="StartPhase"/> to the end of the last recorded operation.</summary>
    public double Seconds => (double)(_phaseEnd - _phaseStart) / Stopwatch.Frequency;

    /// <summary>The phase as a figure of <paramref name="itemsPerOperation"/> items per recorded operation, per second.</summary>
    public Figure ToFigure(string test, string unit, int itemsPerOperation, IEnumerable<KeyValuePair<string, object>> settings)
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("No operation was recorded.");
        }

        var seconds = Seconds;
        var sorted = _ticks.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        var detail = new List<KeyValuePair<string, object>>
        {
            new("ops", _count),
            new("items", (long)_count * itemsPerOperation),
            new("seconds", seconds),
            new("p50_us", Percentile(sorted, 0.50)),
            new("p99_us", Percentile(sorted, 0.99)),
            new("max_us", ToMicroseconds(sorted[^1])),
        };
        detail.AddRange(settings);
        var perSecond = seconds > 0 ? (double)_count * itemsPerOperation / seconds : 0;
        return new Figure(test, unit, perSecond, Better.Higher, detail);
    }

    /// <summary>Nearest-rank percentile of sorted tick counts, in microseconds.</summary>
    internal static double Percentile(ReadOnlySpan<long> sortedTicks, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * sortedTicks.Length);
        var index = Math.Clamp(rank - 1, 0, sortedTicks.Length - 1);
        return ToMicroseconds(sortedTicks[index]);
    }

    private static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
