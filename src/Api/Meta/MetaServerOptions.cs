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
}
