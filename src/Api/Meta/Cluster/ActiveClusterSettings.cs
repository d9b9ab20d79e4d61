using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>
/// The settings of the cluster this server runs, loaded once at start-up (they never change afterwards), plus the
/// heartbeat timing of this run.
/// </summary>
internal sealed class ActiveClusterSettings(MetaServerOptions options)
{
    private ClusterSettings? _settings;

    /// <summary>The stored settings; available once start-up has run.</summary>
    public ClusterSettings Settings => _settings ?? throw new InvalidOperationException("The cluster settings are not loaded yet.");

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize => Settings.ChunkSize;

    /// <summary>Desired replicas per chunk.</summary>
    public int Replicas => Settings.Replicas;

    /// <summary>Called once by start-up.</summary>
    public void Load(ClusterSettings settings) => _settings = settings;

    /// <summary>The API shape.</summary>
    public ClusterConfig ToConfig() => new(
        Settings.ClusterId,
        Settings.Replicas,
        Settings.ChunkSize,
        ChunkChecksum.BlockSize,
        (int)options.HeartbeatInterval.TotalMilliseconds,
        (int)options.HeartbeatTimeout.TotalMilliseconds);
}
