using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Meta;

/// <summary>Settings of the metadata server role.</summary>
public sealed record MetaServerOptions : CommonServerOptions
{
    /// <summary>Default TCP port (the seed's).</summary>
    public const int DefaultPort = 51234;

    /// <summary>Default chunk size.</summary>
    public const int DefaultChunkSize = 4 * 1024 * 1024;

    /// <summary>Desired replicas per chunk; only used when the cluster is created.</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>Bytes per chunk; only used when the cluster is created.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>How often data servers heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Silence after which a data server is marked down.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a data server stays down or crashed before its replicas are moved to other servers;
    /// <see cref="TimeSpan.Zero"/> never moves them.
    /// </summary>
    public TimeSpan ReReplicateAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Age after which a chunk version that was never committed counts as the leftover of a failed write.</summary>
    public TimeSpan GarbageGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Client sessions not renewed for this long expire: three heartbeat timeouts.</summary>
    public TimeSpan ClientSessionTimeout => HeartbeatTimeout * 3;
}
