namespace ReplicaFs.Contracts.Chunks;

/// <summary>HTTP headers of the chunk data path (data server PUT/GET/HEAD).</summary>
public static class ChunkHeaders
{
    /// <summary>The chunk checksum (see <see cref="ChunkChecksum"/>), 16 hex digits.</summary>
    public const string Checksum = "X-ReplicaFs-Checksum";

    /// <summary>The chunk version.</summary>
    public const string Version = "X-ReplicaFs-Version";

    /// <summary>The full stored length of the chunk, also on range responses.</summary>
    public const string Length = "X-ReplicaFs-Length";

    /// <summary>On a range response: the chunk offset of the first byte in the body (block-aligned).</summary>
    public const string Offset = "X-ReplicaFs-Offset";

    /// <summary>On a range response: every block hash of the stored chunk (see <see cref="ChunkChecksum.FormatBlockHashes"/>).</summary>
    public const string BlockHashes = "X-ReplicaFs-Block-Hashes";

    /// <summary>Bearer token carried by server-to-server and client calls when the cluster runs with a cluster token.</summary>
    public const string ClusterToken = "X-ReplicaFs-Cluster-Token";

    /// <summary>Content type of chunk bodies.</summary>
    public const string OctetStream = "application/octet-stream";
}
