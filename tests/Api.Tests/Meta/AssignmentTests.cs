using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Replica assignments: what a data server should copy, from where, in which order.</summary>
public sealed class AssignmentTests(HealingClusterFixture fixture) : IClassFixture<HealingClusterFixture>
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stale_replicas_are_assigned_fewest_live_copies_first_with_valid_sources_only()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 500, 4);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var leases = (await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([0, 1]), Token)).Leases;
        var (a, b) = (leases[0], leases[1]);
        var x = a.Replicas.Select(r => r.ServerId).Intersect(b.Replicas.Select(r => r.ServerId)).First();
        var aOthers = a.Replicas.Select(r => r.ServerId).Where(id => id != x).ToList();
        var y = b.Replicas.Select(r => r.ServerId).First(id => id != x);

        // A: x missed the write (2 live copies elsewhere). B: only y stored it (1 live copy).
        await _api.CommitAsync(file.Ino, new CommitRequest(
            [
                ChunkTestExtensions.CommitOf(a, 1000, acknowledged: aOthers, failed: [new ReplicaFailure(x, "timed out")]),
                ChunkTestExtensions.CommitOf(b, 2000, acknowledged: [y]),
            ],
            ChunkSize + 2000), Token);

        var page = await _api.GetAssignmentsAsync(x, cancellationToken: Token);

        Assert.Equal([b.ChunkId, a.ChunkId], page.Assignments.Select(p => p.ChunkId));
        Assert.Equal((2L, 3000L), (page.Remaining, page.RemainingBytes));
        var first = page.Assignments[0];
        Assert.Equal((ChunkKey.FromId(b.ChunkId), b.Version, 2000L, ChunkTestExtensions.ChecksumOf(b.ChunkId, b.Version), ReplicaState.Stale, 1),
            (first.Key, first.Version, first.Length, first.Checksum, first.State, first.LiveCopies));
        Assert.Equal([y], first.Sources.Select(s => s.ServerId));
        Assert.Equal(FakeDataServers.UrlOf(fleet.NumberOf(y)), first.Sources[0].Url);
        Assert.Equal(2, page.Assignments[1].LiveCopies);
        Assert.Equal(aOthers.Order(), page.Assignments[1].Sources.Select(s => s.ServerId).Order());

        // A limit shortens the batch, not the totals.
        var one = await _api.GetAssignmentsAsync(x, limit: 1, cancellationToken: Token);
        Assert.Equal([b.ChunkId], one.Assignments.Select(p => p.ChunkId));
        Assert.Equal(2L, one.Remaining);

        // A corrupt copy is no source, and neither is a server that went down.
        var corrupt = aOthers[0];
        var healthy = aOthers[1];
        await _api.ReportReplicaAsync(a.ChunkId, new ReplicaReport(corrupt, ReplicaState.Corrupt, a.Version, "digest mismatch", "test"), Token);
        Assert.Equal([healthy], (await _api.GetAssignmentsAsync(x, cancellationToken: Token)).Assignments.Single(p => p.ChunkId == a.ChunkId).Sources.Select(s => s.ServerId));
        await _api.ReportReplicaAsync(a.ChunkId, new ReplicaReport(corrupt, ReplicaState.Ok, a.Version, "repaired", "test"), Token);
        fleet.Silence(healthy);
        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetServerAsync(healthy, Token)).State == ServerState.Down, TimeSpan.FromSeconds(10), "the source to be down", Token);
        var afterDown = (await _api.GetAssignmentsAsync(x, cancellationToken: Token)).Assignments.Single(p => p.ChunkId == a.ChunkId);
        Assert.Equal((1, corrupt), (afterDown.LiveCopies, Assert.Single(afterDown.Sources).ServerId));

        // Once x reports a chunk Ok it is no longer assigned.
        await _api.ReportReplicaAsync(b.ChunkId, new ReplicaReport(x, ReplicaState.Ok, b.Version, "caught up", "test"), Token);
        var after = await _api.GetAssignmentsAsync(x, cancellationToken: Token);
        Assert.Equal([a.ChunkId], after.Assignments.Select(p => p.ChunkId));
        Assert.Equal((1L, 1000L), (after.Remaining, after.RemainingBytes));
    }

    [Fact]
    public async Task Chunks_without_a_valid_source_are_not_assigned_and_named_once()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 510, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "lonely");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var only = lease.Replicas[0].ServerId;
        var other = lease.Replicas[1].ServerId;
        await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 10, acknowledged: [only])], 10), Token);
        Assert.Single((await _api.GetAssignmentsAsync(other, cancellationToken: Token)).Assignments);
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        fleet.Silence(only);
        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetServerAsync(only, Token)).State == ServerState.Down, TimeSpan.FromSeconds(10), "the only holder to be down", Token);

        var page = await _api.GetAssignmentsAsync(other, cancellationToken: Token);
        Assert.Equal((0, 0L, 0L), (page.Assignments.Count, page.Remaining, page.RemainingBytes));
        await _api.GetAssignmentsAsync(other, cancellationToken: Token);
        var warning = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ChunkUnavailable, cancellationToken: Token)).Events);
        Assert.Equal((EventSeverity.Warning, other, lease.ChunkId, $"{dir.Path}/lonely"), (warning.Severity, warning.ServerId, warning.ChunkId, warning.Path));
        Assert.Contains($"cannot repair 1 chunk: no live server holds a valid copy of {dir.Path}/lonely chunk {ChunkKey.FromId(lease.ChunkId)} (index 0)", warning.Message, StringComparison.Ordinal);

        // When the holder is back, the chunk is assigned again.
        await _api.HeartbeatAsync(only, new HeartbeatRequest($"instance-{fleet.NumberOf(only)}", new DataServerStats(0, 0, 1, 1)), Token);
        Assert.Equal([only], Assert.Single((await _api.GetAssignmentsAsync(other, cancellationToken: Token)).Assignments).Sources.Select(s => s.ServerId));
    }

    [Fact]
    public async Task Unknown_servers_and_bad_limits_are_refused()
    {
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetAssignmentsAsync(int.MaxValue, cancellationToken: Token));
        var registered = await _api.RegisterAsync(FakeDataServers.Request(520), Token);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetAssignmentsAsync(registered.ServerId, 0, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetAssignmentsAsync(registered.ServerId, 1001, Token));
        Assert.Empty((await _api.GetAssignmentsAsync(registered.ServerId, 1000, Token)).Assignments);
    }
}
