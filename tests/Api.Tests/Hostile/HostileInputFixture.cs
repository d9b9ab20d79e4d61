using ReplicaFs.Api.Tests.Healing;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// A cluster to attack: meta and two data servers (faults enabled, so the fault endpoints are there to attack too),
/// a directory with a file holding one committed chunk on both data servers, and a client session. Heartbeats time
/// out only after ten minutes, so nothing changes by itself while the attack runs.
/// </summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    private TestCluster? _cluster;
    private HostileTargets? _targets;

    /// <summary>The running cluster.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    /// <summary>Real objects to aim at.</summary>
    internal HostileTargets Targets => _targets ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            DataServers = 2,
            Replicas = 2,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromMinutes(10),
            ExtraDataArguments = ["--scrub-rate", "0"],
        });
        var ct = TestContext.Current.CancellationToken;
        var healing = new HealingCluster(_cluster);
        var directory = await _cluster.MetaApi.MakeDirectoryAsync(1, new MakeDirectoryRequest("hostile", 0x1ED, 0, 0), ct);
        var file = await _cluster.MetaApi.CreateFileAsync(directory.Ino, new CreateFileRequest("target", 0x1A4, 0, 0), ct);
        var chunk = await healing.WriteChunkAsync(file.Ino, 0, "bytes the attack must not change"u8.ToArray());
        var session = await _cluster.MetaApi.RegisterClientAsync(new RegisterClientRequest("hostile-input test", "localhost", Environment.ProcessId, 1, 1), ct);
        _targets = new HostileTargets(
            directory.Ino,
            file.Ino,
            chunk.ChunkId,
            ChunkKey.FromId(chunk.ChunkId),
            await _cluster.ServerIdAsync(0, ct),
            session.Id,
            _cluster.Options.AdminToken,
            $"replicafs-canary-{Guid.NewGuid():N}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The hostile-input tests share one cluster and run one after the other (each compares the cluster before and after).</summary>
[CollectionDefinition(Name)]
public sealed class HostileInputGroup : ICollectionFixture<HostileInputFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "hostile input";
}
