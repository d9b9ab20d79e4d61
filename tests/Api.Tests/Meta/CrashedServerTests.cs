using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Crashed heartbeats, the way back through rebuilding, and the activity servers report.</summary>
public sealed class CrashedServerTests(HealingClusterFixture fixture) : IClassFixture<HealingClusterFixture>
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_crashed_heartbeat_marks_the_server_crashed_and_its_replicas_missing_until_it_registers_again()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 400, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, 64 * 1024);
        var (lease2, _) = await _api.WriteChunkAsync(file.Ino, 1, 100, 64 * 1024);
        var victim = lease.Replicas[0].ServerId;
        var n = fleet.NumberOf(victim);
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        fleet.Crash(victim);
        var crashed = await _api.HeartbeatAsync(victim, new HeartbeatRequest($"instance-{n}", new DataServerStats(0, 0, 1, 1), null, Crashed: true), Token);
        await _api.HeartbeatAsync(victim, new HeartbeatRequest($"instance-{n}", new DataServerStats(0, 0, 1, 1), null, Crashed: true), Token);

        Assert.Equal((ServerState.Crashed, false), (crashed.State, crashed.ReRegister));
        Assert.Equal(ServerState.Crashed, (await _api.GetServerAsync(victim, Token)).State);
        foreach (var chunkId in new[] { lease.ChunkId, lease2.ChunkId })
        {
            var replica = (await _api.GetChunkAsync(chunkId, Token)).Replicas.Single(r => r.ServerId == victim);
            Assert.Equal((ReplicaState.Missing, 0L), (replica.State, replica.Version));
        }

        var crashEvent = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ServerCrashed, cancellationToken: Token)).Events);
        Assert.Equal((EventSeverity.Warning, victim), (crashEvent.Severity, crashEvent.ServerId));
        Assert.Contains("crashed (was Up): it holds no data and serves nothing until it is restored; 2 replica(s) marked missing.", crashEvent.Message, StringComparison.Ordinal);

        // Without the crashed flag, a crashed server is asked to register again and stays crashed.
        var confused = await _api.HeartbeatAsync(victim, new HeartbeatRequest($"instance-{n}", new DataServerStats(0, 0, 1, 1)), Token);
        Assert.Equal((ServerState.Crashed, true), (confused.State, confused.ReRegister));

        // Restored: a new instance registers, comes back empty and rebuilds.
        var back = await fleet.RestoreAsync(victim, $"restored-{n}");
        Assert.True(back.CameBackEmpty);
        Assert.Equal(ServerState.Rebuilding, (await _api.GetServerAsync(victim, Token)).State);

        var reporter = $"data-{victim}";
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(victim, ReplicaState.Rebuilding, 0, "pulling", reporter), Token);
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(victim, ReplicaState.Ok, lease.Version, "rebuilt", reporter), Token);
        Assert.Equal(ServerState.Rebuilding, (await _api.GetServerAsync(victim, Token)).State);
        await _api.ReportReplicaAsync(lease2.ChunkId, new ReplicaReport(victim, ReplicaState.Ok, lease2.Version, "rebuilt", reporter), Token);

        Assert.Equal(ServerState.Up, (await _api.GetServerAsync(victim, Token)).State);
        var up = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ServerUp, cancellationToken: Token)).Events, e => e.ServerId == victim);
        Assert.Contains("finished rebuilding and is up, rebuilt: 2 replicas;", up.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crashed_server_that_stops_heartbeating_is_marked_down()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 410, 1, isolate: false);
        var id = fleet.Ids[0];
        fleet.Crash(id);
        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetServerAsync(id, Token)).State == ServerState.Crashed, TimeSpan.FromSeconds(10), "the server to be crashed", Token);

        fleet.Silence(id);

        await fixture.Cluster.WaitUntilAsync(async () => (await _api.GetServerAsync(id, Token)).State == ServerState.Down, TimeSpan.FromSeconds(10), "the crashed server to be down", Token);
    }

    [Fact]
    public async Task The_last_reported_activity_is_shown_with_the_server_and_bad_figures_are_400()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(420), Token);
        Assert.Null((await _api.GetServerAsync(registered.ServerId, Token)).Activity);
        var started = DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var activity = new ServerActivity(1200, 5_000_000, 7_000_000, 1.5,
            new RebuildProgress(true, 3, 10, 3000, 10000, 1, started, null),
            new ScrubProgress(false, 50, 50, 500_000, 2, started, started.AddMinutes(1)),
            4);

        await _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-420", new DataServerStats(0, 0, 1, 1), activity), Token);

        var shown = (await _api.GetServerAsync(registered.ServerId, Token)).Activity;
        Assert.NotNull(shown);
        Assert.Equal((activity.RequestsServed, activity.BytesRead, activity.BytesWritten, activity.LatencyMs, activity.RepairsDone),
            (shown.RequestsServed, shown.BytesRead, shown.BytesWritten, shown.LatencyMs, shown.RepairsDone));
        Assert.Equal(activity.Rebuild, shown.Rebuild);
        Assert.Equal(activity.Scrub, shown.Scrub);
        Assert.Equal(activity.Rebuild, (await _api.GetServersAsync(Token)).Single(s => s.Id == registered.ServerId).Activity?.Rebuild);

        await ProblemAssert.ErrnoAsync(Errno.EINVAL,
            () => _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-420", new DataServerStats(0, 0, 1, 1), activity with { BytesRead = -1 }), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL,
            () => _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-420", new DataServerStats(0, 0, 1, 1), activity with { LatencyMs = -1 }), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL,
            () => _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-420", new DataServerStats(0, 0, 1, 1),
                activity with { Rebuild = activity.Rebuild! with { ChunksDone = -3 } }), Token));

        // A new registration is a new process: the old figures are gone until its next heartbeat.
        await _api.RegisterAsync(FakeDataServers.Request(420), Token);
        Assert.Null((await _api.GetServerAsync(registered.ServerId, Token)).Activity);
    }
}
