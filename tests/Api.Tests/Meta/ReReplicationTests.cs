using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Re-replication decisions on a fake clock over a real SQLite database (in process).</summary>
public sealed class ReReplicationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(1);
    private readonly DirectoryInfo _dataDir = new(Path.Combine(Path.GetTempPath(), "replicafs-tests", "rereplicate-" + Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private InProcessMeta? _meta;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replicas_of_a_server_down_past_the_delay_move_to_an_eligible_server()
    {
        var meta = await StartAsync(replicas: 2);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        var (_, leases) = await meta.WriteFileAsync("f", 3);
        var third = await meta.RegisterAsync(3);
        Assert.All(leases, l => Assert.Equal([first, second], l.Replicas.Select(r => r.ServerId)));

        await MarkDownAsync(meta, first, alive: [(second, 2), (third, 3)]);
        _clock.Advance(Delay - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await meta.ReReplication.RunAsync(Token)).Moved);
        foreach (var lease in leases)
        {
            Assert.Contains(first, await ReplicaSetAsync(meta, lease.ChunkId));
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        var pass = await meta.ReReplication.RunAsync(Token);

        Assert.Equal((3, 0, 0L), (pass.Moved, pass.Added, pass.Left));
        foreach (var lease in leases)
        {
            var chunk = await meta.ChunkAsync(lease.ChunkId);
            Assert.Equal([$"{second}:Ok", $"{third}:Missing"], chunk.Replicas.Select(r => $"{r.ServerId}:{r.State}"));
        }

        var events = await meta.Database.ReadAsync(tx => tx.Events.List(0, 1000, EventKinds.ReReplicated), Token);
        var moved = Assert.Single(events);
        Assert.Equal((first, EventSeverity.Info), (moved.ServerId, moved.Severity));
        Assert.StartsWith($"Re-replicated 3 replicas of data-{first} (", moved.Message, StringComparison.Ordinal);
        Assert.Contains($"down since 12:00:05 UTC: to data-{third} (3). First: /f chunk {ChunkKey.FromId(leases[0].ChunkId)} (index 0)", moved.Message, StringComparison.Ordinal);
        Assert.Equal(3, await meta.Database.ReadAsync(tx => leases.Count(l => tx.Healing.IsQueuedAsGarbage(l.ChunkId, first, "re-replicated")), Token));

        // The new replicas are the target's assignments, copied from the remaining valid copy.
        var assignments = await meta.Assignments.GetAsync(third, null, Token);
        Assert.Equal(leases.Select(l => l.ChunkId), assignments.Assignments.Select(a => a.ChunkId));
        Assert.All(assignments.Assignments, a => Assert.Equal([second], a.Sources.Select(s => s.ServerId)));

        // Nothing is left to move, so the next pass changes nothing.
        Assert.Equal(0, (await meta.ReReplication.RunAsync(Token)).Moved);
    }

    [Fact]
    public async Task Nothing_moves_when_every_up_server_already_holds_the_chunk_and_health_says_why()
    {
        var meta = await StartAsync(replicas: 2);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        var (_, leases) = await meta.WriteFileAsync("f", 2);

        await MarkDownAsync(meta, first, alive: [(second, 2)]);
        _clock.Advance(Delay + TimeSpan.FromSeconds(1));
        var pass = await meta.ReReplication.RunAsync(Token);

        Assert.Equal((0, 0, 2L), (pass.Moved, pass.Added, pass.Left));
        foreach (var lease in leases)
        {
            Assert.Equal([first, second], await ReplicaSetAsync(meta, lease.ChunkId));
        }
        var health = await meta.Health.GetAsync(Token);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains(health.Reasons, r => r == $"data-{first} is down since 12:00:05 UTC. 2 replicas cannot be re-replicated: every up server already holds those chunks (2 data servers, R=2).");
        Assert.Contains("2 chunks have 1 of 2 valid copies.", health.Reasons);
    }

    [Fact]
    public async Task The_only_copy_that_may_still_be_valid_stays_on_the_dead_server()
    {
        var meta = await StartAsync(replicas: 2);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        var (file, _) = await meta.Writer.CreateFileAsync(1, new Contracts.Files.CreateFileRequest("only", 0x1A4, 0, 0), Token);
        var lease = Assert.Single((await meta.Leases.AcquireAsync(file.Ino, new LeaseRequest([0]), Token)).Leases);
        await meta.Commits.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 10, acknowledged: [first])], 10), Token);
        var third = await meta.RegisterAsync(3);

        await MarkDownAsync(meta, first, alive: [(second, 2), (third, 3)]);
        _clock.Advance(Delay + TimeSpan.FromSeconds(1));
        var pass = await meta.ReReplication.RunAsync(Token);

        Assert.Equal((0, 1L), (pass.Moved, pass.Left));
        Assert.Equal([first, second], await ReplicaSetAsync(meta, lease.ChunkId));
        var health = await meta.Health.GetAsync(Token);
        Assert.Equal(HealthStatus.Unavailable, health.Status);
        Assert.Contains(health.Reasons, r => r == $"data-{first} is down since 12:00:05 UTC. 1 replica stays on it: it is the only copy that may still be valid.");
        Assert.Contains("1 chunk has no valid copy: it cannot be read until a server holding one comes back.", health.Reasons);
    }

    [Fact]
    public async Task A_server_back_before_the_delay_keeps_its_replicas()
    {
        var meta = await StartAsync(replicas: 2);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        var (_, leases) = await meta.WriteFileAsync("f", 1);
        var third = await meta.RegisterAsync(3);

        await MarkDownAsync(meta, first, alive: [(second, 2), (third, 3)]);
        _clock.Advance(Delay / 2);
        await meta.HeartbeatAsync(first, 1);
        _clock.Advance(Delay);
        Assert.Equal(0, (await meta.ReReplication.RunAsync(Token)).Moved);
        Assert.Equal([first, second], await ReplicaSetAsync(meta, leases[0].ChunkId));
    }

    [Fact]
    public async Task A_crashed_server_is_re_replicated_too_and_a_write_leased_before_the_move_still_commits()
    {
        var meta = await StartAsync(replicas: 2);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        var (ino, leases) = await meta.WriteFileAsync("f", 1);
        var third = await meta.RegisterAsync(3);
        var inFlight = Assert.Single((await meta.Leases.AcquireAsync(ino, new LeaseRequest([0]), Token)).Leases);

        await meta.HeartbeatAsync(first, 1, crashed: true);
        _clock.Advance(Delay + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await meta.ReReplication.RunAsync(Token)).Moved);
        Assert.Equal([second, third], await ReplicaSetAsync(meta, leases[0].ChunkId));

        // The write's lease named the crashed server; it failed there, which is no reason to refuse the commit.
        await meta.Commits.CommitAsync(ino, new CommitRequest(
            [ChunkTestExtensions.CommitOf(inFlight, 50, acknowledged: [second], failed: [new ReplicaFailure(first, "503 crashed")])], 0), Token);
        var chunk = await meta.ChunkAsync(inFlight.ChunkId);
        Assert.Equal(inFlight.Version, chunk.Version);
        Assert.Equal([$"{second}:Ok", $"{third}:Stale"], chunk.Replicas.Select(r => $"{r.ServerId}:{r.State}"));
    }

    [Fact]
    public async Task Chunks_with_fewer_replicas_than_desired_get_more_when_servers_join()
    {
        var meta = await StartAsync(replicas: 3);
        var first = await meta.RegisterAsync(1);
        var (_, leases) = await meta.WriteFileAsync("early", 2);
        var second = await meta.RegisterAsync(2);
        var third = await meta.RegisterAsync(3);

        var pass = await meta.ReReplication.RunAsync(Token);

        Assert.Equal((0, 4), (pass.Moved, pass.Added));
        foreach (var lease in leases)
        {
            Assert.Equal([first, second, third], await ReplicaSetAsync(meta, lease.ChunkId));
        }
        var added = Assert.Single(await meta.Database.ReadAsync(tx => tx.Events.List(0, 1000, EventKinds.ReReplicated), Token));
        Assert.StartsWith($"Added 4 replicas to chunks with fewer than 3: to data-{second} (2), data-{third} (2). First: /early chunk", added.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_delay_switches_re_replication_off()
    {
        var meta = await StartAsync(replicas: 2, delay: TimeSpan.Zero);
        var first = await meta.RegisterAsync(1);
        var second = await meta.RegisterAsync(2);
        await meta.WriteFileAsync("f", 1);
        var third = await meta.RegisterAsync(3);
        await MarkDownAsync(meta, first, alive: [(second, 2), (third, 3)]);
        _clock.Advance(TimeSpan.FromDays(1));

        Assert.False(meta.ReReplication.Enabled);
        Assert.Equal(ReplicaFs.Api.Meta.Healing.ReReplicationPass.Nothing, await meta.ReReplication.RunAsync(Token));
        Assert.Contains((await meta.Health.GetAsync(Token)).Reasons, r => r.EndsWith("Its 1 replica is not re-replicated: re-replication is off.", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _meta?.Dispose();
        try
        {
            _dataDir.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task<List<int>> ReplicaSetAsync(InProcessMeta meta, long chunkId) =>
        [.. (await meta.ChunkAsync(chunkId)).Replicas.Select(r => r.ServerId)];

    private async Task<InProcessMeta> StartAsync(int replicas, TimeSpan? delay = null)
    {
        _meta = await InProcessMeta.StartAsync(
            new MetaServerOptions { DataDir = _dataDir, Replicas = replicas, ChunkSize = 64 * 1024, HeartbeatTimeout = Timeout, ReReplicateAfter = delay ?? Delay },
            _clock);
        return _meta;
    }

    /// <summary>Lets <paramref name="serverId"/> go silent until it is marked down, while the others heartbeat.</summary>
    private async Task MarkDownAsync(InProcessMeta meta, int serverId, IReadOnlyList<(int Id, int N)> alive)
    {
        _clock.Advance(Timeout + TimeSpan.FromMilliseconds(1));
        foreach (var (id, n) in alive)
        {
            await meta.HeartbeatAsync(id, n);
        }

        Assert.Equal([serverId], await meta.Membership.MarkSilentServersDownAsync(Token));
    }
}
