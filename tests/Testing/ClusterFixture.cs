using Xunit;

namespace ReplicaFs.Testing;

/// <summary>
/// An xunit fixture owning one <see cref="TestCluster"/> for a test class or collection. Derive from it to
/// choose other <see cref="ClusterOptions"/>.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    /// <summary>The running cluster.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The shape of the cluster to start.</summary>
    protected virtual ClusterOptions Options => new();

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(Options);

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
