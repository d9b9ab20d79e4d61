using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>One seed-shaped cluster (4 data servers, R = 4, 256 KiB chunks) shared by tests that do not break servers.</summary>
public sealed class SeedClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => ClusterClient.Seed();
}
