namespace ReplicaFs.Api.Data.Throttling;

/// <summary>
/// Limits a byte rate: a bucket of <see cref="Capacity"/> tokens (bytes) refilled at <see cref="BytesPerSecond"/>.
/// A caller takes the bytes it is about to move; when the bucket runs dry it goes into debt and waits until the
/// debt is paid back, so concurrent callers share the rate and a burst never exceeds the capacity. Thread-safe.
/// </summary>
internal sealed class TokenBucket
{
    /// <summary>One megabyte as rates count it (SI: 10^6 bytes).</summary>
    public const double BytesPerMegabyte = 1_000_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _lastRefill;

    /// <summary>A bucket for <paramref name="bytesPerSecond"/>, holding at most <paramref name="capacity"/> bytes (default: one second's worth, at least 64 KiB); it starts full.</summary>
    public TokenBucket(double bytesPerSecond, TimeProvider time, double? capacity = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!(bytesPerSecond > 0) || double.IsInfinity(bytesPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerSecond), bytesPerSecond, "The rate must be a positive number.");
        }

        _time = time;
        BytesPerSecond = bytesPerSecond;
        Capacity = capacity ?? Math.Max(bytesPerSecond, 64 * 1024);
        if (!(Capacity > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be positive.");
        }

        _tokens = Capacity;
        _lastRefill = time.GetTimestamp();
    }

    /// <summary>A bucket for a rate given in MB/s.</summary>
    public static TokenBucket ForMegabytesPerSecond(double megabytesPerSecond, TimeProvider time) =>
        new(megabytesPerSecond * BytesPerMegabyte, time);

    /// <summary>The refill rate.</summary>
    public double BytesPerSecond { get; }

    /// <summary>The largest burst.</summary>
    public double Capacity { get; }

    /// <summary>Takes <paramref name="bytes"/> tokens, waiting as long as the rate requires.</summary>
    public ValueTask TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(Capacity, _tokens + (_time.GetElapsedTime(_lastRefill, now).TotalSeconds * BytesPerSecond));
            _lastRefill = now;
            _tokens -= bytes;
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / BytesPerSecond);
        }

        return wait <= TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}
