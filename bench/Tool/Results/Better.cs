namespace ReplicaFs.Bench.Results;

/// <summary>Which direction of a figure is better.</summary>
public enum Better
{
    /// <summary>More is better (throughput, operations per second).</summary>
    Higher,

    /// <summary>Less is better (memory, latency).</summary>
    Lower,
}
