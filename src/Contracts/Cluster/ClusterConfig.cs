namespace ReplicaFs.Contracts.Cluster;

/// <summary>Settings fixed when the cluster was created.</summary>
/// <param name="ClusterId">Random id of this cluster, chosen at creation.</param>
/// <param name="Replicas">Desired number of replicas per chunk (R).</param>
/// <param name="ChunkSize">Bytes per chunk.</param>
/// <param name="BlockSize">Bytes per checksum block.</param>
/// <param name="HeartbeatIntervalMs">How often data servers heartbeat.</param>
/// <param name="HeartbeatTimeoutMs">Silence after which a data server is marked down.</param>
public sealed record ClusterConfig(string ClusterId, int Replicas, int ChunkSize, int BlockSize, int HeartbeatIntervalMs, int HeartbeatTimeoutMs);
