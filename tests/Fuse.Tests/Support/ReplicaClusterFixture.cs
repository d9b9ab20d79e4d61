using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// One real cluster (meta + 3 data servers, 3 replicas, 1 MiB chunks) with ReplicaFs mounted on it (Qr 2, Qw 2), shared
/// by the tests of the <see cref="ReplicaClusterTests"/> collection. Each test works in its own directory of the mount.
/// Tests that break servers start clusters of their own.
/// </summary>
public sealed class ReplicaClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;
    private ClusterMount? _mount;

    public static ClusterOptions Shape { get; } = new() { DataServers = 3, Replicas = 3, ChunkSize = 1024 * 1024 };

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    internal ClusterMount Mount => _mount ?? throw new InvalidOperationException("Nothing is mounted.");

    public async ValueTask InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(Shape);
        _mount = await ClusterMount.StartAsync(_cluster, readQuorum: 2, writeQuorum: 2);
    }

    public async ValueTask DisposeAsync()
    {
        if (_mount is not null)
        {
            await _mount.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>Tests sharing the <see cref="ReplicaClusterFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicaClusterTests : ICollectionFixture<ReplicaClusterFixture>
{
    /// <summary>The collection's name, for <c>[Collection(ReplicaClusterTests.Name)]</c>.</summary>
    public const string Name = "replica cluster";
}
