using ReplicaFs.Testing;

namespace ReplicaFs.Cli.Tests.Support;

/// <summary>
/// A cluster of real processes (meta and three data servers, R=3) for the CLI tests: short heartbeats, data servers
/// that look for rebuild work every 500 ms and collect garbage every second, fault endpoints on.
/// </summary>
public class CliClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 3,
        Replicas = 3,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatTimeout = TimeSpan.FromSeconds(2),
        ExtraDataArguments = ["--assignment-interval-ms", "500", "--gc-interval-ms", "1000"],
    };

    /// <summary>The cluster with the CLI's helpers.</summary>
    internal CliCluster Cli => new(Cluster);
}
