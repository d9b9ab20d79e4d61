using System.Text.RegularExpressions;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server of its own for health scenarios (health is cluster-wide).</summary>
public sealed class HealthClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 3,
        ChunkSize = 64 * 1024,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatTimeout = TimeSpan.FromSeconds(3),
    };
}

/// <summary>The health summary of a real metadata server, walked through healthy, degraded and unavailable.</summary>
public sealed class HealthTests(HealthClusterFixture fixture) : IClassFixture<HealthClusterFixture>
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_follows_servers_replicas_and_client_quorums()
    {
        // No data server at all.
        var empty = await _api.GetHealthAsync(Token);
        Assert.Equal((HealthStatus.Unavailable, 3, 0, 0, 0L), (empty.Status, empty.DesiredReplicas, empty.ServersUp, empty.ServersTotal, empty.Chunks));
        Assert.Equal(["No data server has registered."], empty.Reasons);
        Assert.Empty(empty.Matrix);

        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 800, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (first, _) = await _api.WriteChunkAsync(file.Ino, 0, ChunkSize, ChunkSize);
        var (second, _) = await _api.WriteChunkAsync(file.Ino, 1, 1000, ChunkSize);

        // Everything in place.
        var healthy = await _api.GetHealthAsync(Token);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Empty(healthy.Reasons);
        Assert.Equal((1L, 2L, 2L, ChunkSize + 1000L, 0L, 0L, 3, 3), (healthy.Files, healthy.Directories, healthy.Chunks, healthy.LogicalBytes, healthy.UnderReplicatedChunks, healthy.UnavailableChunks, healthy.ServersUp, healthy.ServersTotal));
        Assert.Equal(["0:0", "1:0", "2:0", "3:2"], Matrix(healthy));
        Assert.True(healthy.GeneratedAt > DateTimeOffset.UtcNow.AddMinutes(-1));

        // A replica missed a write: degraded.
        var next = await _api.LeaseAsync(file.Ino, 1);
        var behind = next.Replicas[0].ServerId;
        await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(next, 1000, acknowledged: [.. next.Replicas.Skip(1).Select(r => r.ServerId)])], 0), Token);
        var degraded = await _api.GetHealthAsync(Token);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(["1 chunk has 2 of 3 valid copies.", "Replicas waiting for repair: 1 stale."], degraded.Reasons);
        Assert.Equal((1L, 1L, 0L), (degraded.UnderReplicatedChunks, degraded.StaleReplicas, degraded.UnavailableChunks));
        Assert.Equal(["0:0", "1:0", "2:1", "3:1"], Matrix(degraded));

        // A client reading with Qr=3 cannot read that chunk: unavailable, for as long as it is connected.
        var mount = await _api.RegisterClientAsync(new RegisterClientRequest("mount /mnt/x", "h", 10, 3, 1), Token);
        var relaxed = await _api.RegisterClientAsync(new RegisterClientRequest("mount /mnt/y", "h", 11, 2, 2), Token);
        var strict = await _api.GetHealthAsync(Token);
        Assert.Equal(HealthStatus.Unavailable, strict.Status);
        Assert.Equal("Client 'mount /mnt/x' reads with Qr=3 but 1 chunk has only 2 valid copies.", strict.Reasons[0]);
        Assert.DoesNotContain(strict.Reasons, r => r.Contains("mount /mnt/y", StringComparison.Ordinal));
        Assert.Equal([mount.Id, relaxed.Id], strict.Clients.Select(c => c.Id));
        await _api.EndClientAsync(mount.Id, Token);
        Assert.Equal(HealthStatus.Degraded, (await _api.GetHealthAsync(Token)).Status);
        await _api.ReportReplicaAsync(next.ChunkId, new ReplicaReport(behind, ReplicaState.Ok, next.Version, "caught up", "test"), Token);
        Assert.Equal(HealthStatus.Healthy, (await _api.GetHealthAsync(Token)).Status);

        // A server goes down: degraded, with when and what happens to its replicas.
        fleet.Silence(behind);
        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetServerAsync(behind, Token)).State == ServerState.Down, TimeSpan.FromSeconds(10), "the server to be down", Token);
        var down = await _api.GetHealthAsync(Token);
        Assert.Equal((HealthStatus.Degraded, 2, 3, 2L), (down.Status, down.ServersUp, down.ServersTotal, down.UnderReplicatedChunks));
        Assert.Matches(new Regex($"^data-{behind} is down since \\d\\d:\\d\\d:\\d\\d UTC\\. Its 2 replicas will be re-replicated from \\d\\d:\\d\\d:\\d\\d UTC unless it comes back\\.$"), down.Reasons[0]);
        Assert.Equal("2 chunks have 2 of 3 valid copies.", down.Reasons[1]);
        Assert.Equal(["0:0", "1:0", "2:2"], Matrix(down));

        // Every server down: unavailable.
        foreach (var id in fleet.Ids)
        {
            fleet.Silence(id);
        }

        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetHealthAsync(Token)).ServersUp == 0, TimeSpan.FromSeconds(10), "every server to be down", Token);
        var dark = await _api.GetHealthAsync(Token);
        Assert.Equal((HealthStatus.Unavailable, 2L), (dark.Status, dark.UnavailableChunks));
        Assert.Equal("No data server is up.", dark.Reasons[0]);
        Assert.Equal("2 chunks have no valid copy: they cannot be read until a server holding one comes back.", dark.Reasons[1]);
        Assert.Equal(["0:2"], Matrix(dark));
        await _api.EndClientAsync(relaxed.Id, Token);
    }

    private static List<string> Matrix(ClusterHealth health) => [.. health.Matrix.Select(c => $"{c.ValidCopies}:{c.Chunks}")];
}
