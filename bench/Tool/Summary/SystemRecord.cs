namespace ReplicaFs.Bench.Summary;

/// <summary>A system the runner tried to measure, and how that went.</summary>
/// <param name="Name">The runner's name for it, e.g. <c>glusterfs</c> or <c>replicafs-r3</c>.</param>
/// <param name="Status"><c>measured</c>, <c>unavailable</c> or <c>failed</c>.</param>
/// <param name="Reason">Why it was not measured, if it was not.</param>
/// <param name="Version">Software version, when known.</param>
/// <param name="Replicas">Copies of each byte it keeps.</param>
/// <param name="Layout">How it was set up.</param>
/// <param name="Durability">When it acknowledges a write and what fsync guarantees.</param>
public sealed record SystemRecord(
    string Name,
    string Status,
    string? Reason,
    string? Version,
    int? Replicas,
    string? Layout,
    string? Durability)
{
    /// <summary>True for the ReplicaFs configurations (names starting with <c>replicafs</c>).</summary>
    public bool IsReplicaFs => Name.StartsWith("replicafs", StringComparison.Ordinal);

    /// <summary>True when figures were recorded for it.</summary>
    public bool IsMeasured => string.Equals(Status, "measured", StringComparison.Ordinal);
}
