using System.Collections.Concurrent;

namespace ReplicaFs.Api.Tests.Soak;

/// <summary>What a soak run did and found, counted from every worker and the fault injector at once.</summary>
internal sealed class SoakCounters
{
    private long _bytesVerified;
    private long _wrongBytes;
    private long _readsVerified;

    /// <summary>Operations acknowledged, by kind.</summary>
    public ConcurrentDictionary<string, long> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>Operations that failed (unavailable while a fault lasted), by kind.</summary>
    public ConcurrentDictionary<string, long> Failed { get; } = new(StringComparer.Ordinal);

    /// <summary>Of the failed operations, how many turned out applied after all (the answer was lost, not the change).</summary>
    public ConcurrentDictionary<string, long> FailedButApplied { get; } = new(StringComparer.Ordinal);

    /// <summary>Faults injected, by kind.</summary>
    public ConcurrentDictionary<string, long> Faults { get; } = new(StringComparer.Ordinal);

    /// <summary>Acknowledged operations the cluster does not show, and states no operation explains: must stay empty.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Bytes read back and compared with what was written.</summary>
    public long BytesVerified => Interlocked.Read(ref _bytesVerified);

    /// <summary>Bytes read back that differed from what was written: must stay 0.</summary>
    public long WrongBytes => Interlocked.Read(ref _wrongBytes);

    /// <summary>Reads compared with the model.</summary>
    public long ReadsVerified => Interlocked.Read(ref _readsVerified);

    public void Count(ConcurrentDictionary<string, long> counter, string kind) => counter.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>A read of <paramref name="bytes"/> bytes was compared; <paramref name="wrong"/> of them differed.</summary>
    public void Verified(long bytes, long wrong)
    {
        Interlocked.Add(ref _bytesVerified, bytes);
        Interlocked.Add(ref _wrongBytes, wrong);
        Interlocked.Increment(ref _readsVerified);
    }
}
