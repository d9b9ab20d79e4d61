namespace ReplicaFs.Web.Cluster;

/// <summary>The cluster's activity at one moment, summed over the data servers.</summary>
/// <param name="Time">When it was sampled.</param>
/// <param name="RequestsPerSecond">Chunk requests served per second.</param>
/// <param name="BytesReadPerSecond">Chunk bytes sent per second.</param>
/// <param name="BytesWrittenPerSecond">Chunk bytes stored per second.</param>
/// <param name="RepairsPerSecond">Replicas repaired per second (repair.finished and re-replication events).</param>
public sealed record ActivityPoint(DateTimeOffset Time, double RequestsPerSecond, double BytesReadPerSecond, double BytesWrittenPerSecond, double RepairsPerSecond);
