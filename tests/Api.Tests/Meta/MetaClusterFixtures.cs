using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server alone (no data servers): namespace, events and bad-input tests share it.</summary>
public sealed class NamespaceClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 3,
        ChunkSize = 64 * 1024,
    };
}

/// <summary>
/// A metadata server with four made-up data servers registered through the real API, and a heartbeat timeout long
/// enough that they stay up for the whole run: leases, commits, truncation and replica reports share it.
/// </summary>
public sealed class ChunkClusterFixture : ClusterFixture, IAsyncLifetime
{
    /// <summary>Ids of the registered made-up servers.</summary>
    public IReadOnlyList<int> ServerIds { get; private set; } = [];

    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 3,
        ChunkSize = 64 * 1024,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        HeartbeatTimeout = TimeSpan.FromMinutes(10),
    };

    /// <summary>Starts the cluster, then registers the made-up servers.</summary>
    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var response = await Cluster.MetaApi.RegisterAsync(FakeDataServers.Request(i, capacity: 1L << 40, free: 1L << 39));
            ids.Add(response.ServerId);
        }

        ServerIds = ids;
    }
}

[CollectionDefinition(Name)]
public sealed class NamespaceServerGroup : ICollectionFixture<NamespaceClusterFixture>
{
    public const string Name = "meta namespace";
}

[CollectionDefinition(Name)]
public sealed class ChunkServerGroup : ICollectionFixture<ChunkClusterFixture>
{
    public const string Name = "meta chunk map";
}
