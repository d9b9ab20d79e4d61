using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>
/// A metadata server for self-healing tests: made-up servers heartbeat through <see cref="FakeServerFleet"/> and go
/// down three seconds after they stop (generous, so that a loaded machine does not lose them); uncommitted chunk
/// versions become garbage after two seconds.
/// </summary>
public sealed class HealingClusterFixture : ClusterFixture
{
    /// <summary>The garbage grace period of this server.</summary>
    public static readonly TimeSpan GarbageGrace = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 3,
        ChunkSize = 64 * 1024,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatTimeout = TimeSpan.FromSeconds(3),
        ExtraMetaArguments = ["--garbage-grace-seconds", "2"],
    };
}

/// <summary>A metadata server whose down servers lose their replicas after two seconds.</summary>
public sealed class ReReplicationClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 2,
        ChunkSize = 64 * 1024,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatTimeout = TimeSpan.FromSeconds(3),
        ExtraMetaArguments = ["--rereplicate-after-seconds", "2"],
    };
}
