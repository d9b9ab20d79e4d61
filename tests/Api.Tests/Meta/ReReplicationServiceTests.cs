using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Re-replication in a real metadata server (<c>--rereplicate-after-seconds 2</c>), driven by its background service.</summary>
public sealed class ReReplicationServiceTests(ReReplicationClusterFixture fixture) : IClassFixture<ReReplicationClusterFixture>
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_silent_server_loses_its_replicas_to_the_server_outside_the_set_after_the_delay()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 700, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, 64 * 1024);
        var dead = lease.Replicas[0].ServerId;
        var survivor = lease.Replicas[1].ServerId;
        var outsider = fleet.Ids.Except([dead, survivor]).Single();
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        fleet.Silence(dead);

        await fixture.Cluster.WaitUntilAsync(
            async () => !(await _api.GetChunkAsync(lease.ChunkId, Token)).Replicas.Any(r => r.ServerId == dead),
            TimeSpan.FromSeconds(30),
            "the dead server's replica to move",
            Token);
        var chunk = await _api.GetChunkAsync(lease.ChunkId, Token);
        Assert.Equal([$"{survivor}:Ok", $"{outsider}:Missing"], chunk.Replicas.Select(r => $"{r.ServerId}:{r.State}").Order());
        var moved = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ReReplicated, cancellationToken: Token)).Events);
        Assert.Equal(dead, moved.ServerId);
        Assert.Contains($"Re-replicated 1 replica of data-{dead}", moved.Message, StringComparison.Ordinal);
        Assert.Contains($"to data-{outsider} (1). First: {dir.Path}/f chunk {ChunkKey.FromId(lease.ChunkId)} (index 0).", moved.Message, StringComparison.Ordinal);
        var assignment = Assert.Single((await _api.GetAssignmentsAsync(outsider, cancellationToken: Token)).Assignments);
        Assert.Equal((ReplicaState.Missing, survivor), (assignment.State, Assert.Single(assignment.Sources).ServerId));
        Assert.Equal(ServerState.Up, (await _api.GetServerAsync(outsider, Token)).State);

        // The dead server's copy is garbage now.
        Assert.Single((await _api.CheckGarbageAsync(dead, new GarbageCheckRequest([new GarbageCandidate(ChunkKey.FromId(lease.ChunkId), lease.Version, DateTimeOffset.UtcNow)]), Token)).Delete);
    }
}
