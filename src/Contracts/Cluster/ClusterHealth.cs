using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Cluster;

/// <summary>The overall state of a cluster.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))]
public enum HealthStatus
{
    /// <summary>Every data server is up and every chunk has all its desired valid copies.</summary>
    Healthy = 0,

    /// <summary>Some server is not up or some chunk has fewer valid copies than desired, but every chunk can still be read by every registered client.</summary>
    Degraded = 1,

    /// <summary>No data server is up, or some chunk has fewer valid copies than a registered client's read quorum (or none at all).</summary>
    Unavailable = 2,
}

/// <summary>
/// A summary of the cluster's health, in the spirit of the HDFS NameNode page and the MooseFS monitor.
/// A copy is valid when its replica is Ok and its server is up (or rebuilding).
/// </summary>
/// <param name="Status">Healthy, degraded or unavailable.</param>
/// <param name="Reasons">Sentences explaining the status (empty when healthy).</param>
/// <param name="DesiredReplicas">The replica count R.</param>
/// <param name="Files">Regular files.</param>
/// <param name="Directories">Directories.</param>
/// <param name="Chunks">Chunks with committed data.</param>
/// <param name="LogicalBytes">Sum of file sizes.</param>
/// <param name="StoredBytes">Chunk bytes stored on all data servers (all replicas and versions).</param>
/// <param name="UnderReplicatedChunks">Chunks with fewer valid copies than desired.</param>
/// <param name="UnavailableChunks">Chunks with no valid copy at all.</param>
/// <param name="StaleReplicas">Replicas in state Stale.</param>
/// <param name="CorruptReplicas">Replicas in state Corrupt.</param>
/// <param name="MissingReplicas">Replicas in state Missing.</param>
/// <param name="RebuildingReplicas">Replicas in state Rebuilding.</param>
/// <param name="Matrix">Chunks by number of valid copies (MooseFS style), every count from 0 to the largest seen.</param>
/// <param name="ServersUp">Data servers up or rebuilding.</param>
/// <param name="ServersTotal">Data servers known.</param>
/// <param name="Clients">Clients (mounts, tools) that registered their quorums and are alive.</param>
/// <param name="GeneratedAt">When this summary was computed.</param>
public sealed record ClusterHealth(
    HealthStatus Status,
    IReadOnlyList<string> Reasons,
    int DesiredReplicas,
    long Files,
    long Directories,
    long Chunks,
    long LogicalBytes,
    long StoredBytes,
    long UnderReplicatedChunks,
    long UnavailableChunks,
    long StaleReplicas,
    long CorruptReplicas,
    long MissingReplicas,
    long RebuildingReplicas,
    IReadOnlyList<ReplicaMatrixCell> Matrix,
    int ServersUp,
    int ServersTotal,
    IReadOnlyList<ClientSession> Clients,
    DateTimeOffset GeneratedAt);

/// <summary>One cell of the replica matrix: how many chunks have this many valid copies.</summary>
public sealed record ReplicaMatrixCell(int ValidCopies, long Chunks);
