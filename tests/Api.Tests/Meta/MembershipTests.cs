using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server with a short heartbeat timeout, for membership tests.</summary>
public sealed class MembershipClusterFixture : ClusterFixture
{
    /// <summary>The heartbeat timeout of this server.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 3,
        ChunkSize = 64 * 1024,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        HeartbeatTimeout = Timeout,
    };
}

/// <summary>Registration, came-back-empty, heartbeats, ReRegister and down/up, against a real metadata server.</summary>
public sealed class MembershipTests(MembershipClusterFixture fixture) : IClassFixture<MembershipClusterFixture>
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_server_gets_an_id_a_name_and_the_cluster_config()
    {
        var start = await LastEventAsync();
        var url = FakeDataServers.UrlOf(100);

        var registered = await _api.RegisterAsync(FakeDataServers.Request(100, url: url + "/"), Token);

        Assert.False(registered.CameBackEmpty);
        var config = await _api.GetConfigAsync(Token);
        Assert.Equal(config, registered.Config);
        Assert.Equal((3, 64 * 1024, ChunkChecksum.BlockSize, 200, 1000), (config.Replicas, config.ChunkSize, config.BlockSize, config.HeartbeatIntervalMs, config.HeartbeatTimeoutMs));
        Assert.Equal(32, config.ClusterId.Length);

        var server = await _api.GetServerAsync(registered.ServerId, Token);
        Assert.Equal(($"data-{registered.ServerId}", url, ServerState.Up, "instance-100"), (server.Name, server.Url, server.State, server.InstanceId));
        Assert.Equal(1L << 30, server.Stats.CapacityBytes);
        Assert.Contains(await _api.GetServersAsync(Token), s => s.Id == registered.ServerId);

        var registeredEvent = Assert.Single((await _api.GetEventsAsync(start, kind: "server.registered", cancellationToken: Token)).Events);
        Assert.Equal((registered.ServerId, $"data-{registered.ServerId} registered at {url}."), (registeredEvent.ServerId, registeredEvent.Message));

        // The same URL, spelled differently, is the same server.
        var again = await _api.RegisterAsync(FakeDataServers.Request(100, url: url.Replace("http://", "HTTP://", StringComparison.Ordinal)), Token);
        Assert.Equal((registered.ServerId, false), (again.ServerId, again.CameBackEmpty));
    }

    [Fact]
    public async Task A_server_that_comes_back_with_a_new_instance_id_is_empty_and_rebuilds()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(101, instanceId: "first-life"), Token);
        using var keepAlive = new CancellationTokenSource();
        var heartbeats = KeepAliveAsync(registered.ServerId, () => "first-life", keepAlive.Token);
        // Servers of earlier tests must be down, so that the new chunk lands on this one.
        await fixture.Cluster.WaitUntilAsync(
            async () => (await _api.GetServersAsync(Token)).All(s => s.Id == registered.ServerId || s.State == ServerState.Down),
            TimeSpan.FromSeconds(15),
            "the other made-up servers to be down",
            Token);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        Assert.Contains(lease.Replicas, r => r.ServerId == registered.ServerId);
        await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 10)], 10), Token);
        await keepAlive.CancelAsync();
        await heartbeats;
        var start = await LastEventAsync();

        var back = await _api.RegisterAsync(FakeDataServers.Request(101, instanceId: "second-life"), Token);

        Assert.Equal((registered.ServerId, true), (back.ServerId, back.CameBackEmpty));
        var replica = (await _api.GetChunkAsync(lease.ChunkId, Token)).Replicas.Single(r => r.ServerId == back.ServerId);
        Assert.Equal((ReplicaState.Missing, 0L), (replica.State, replica.Version));
        var server = await _api.GetServerAsync(back.ServerId, Token);
        Assert.Equal((ServerState.Rebuilding, "second-life"), (server.State, server.InstanceId));
        var empty = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ServerCameBackEmpty, cancellationToken: Token)).Events);
        Assert.Equal(EventSeverity.Warning, empty.Severity);
        Assert.Contains("came back empty: instance second-life replaces first-life; 1 replica(s) marked missing", empty.Message, StringComparison.Ordinal);

        // The old instance is told to register again; the new one heartbeats normally.
        Assert.True((await _api.HeartbeatAsync(back.ServerId, new HeartbeatRequest("first-life", new DataServerStats(0, 0, 1, 1)), Token)).ReRegister);
        var ok = await _api.HeartbeatAsync(back.ServerId, new HeartbeatRequest("second-life", new DataServerStats(0, 0, 1, 1)), Token);
        Assert.Equal((ServerState.Rebuilding, false), (ok.State, ok.ReRegister));

        // Once its last missing replica is rebuilt, it is up.
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(back.ServerId, ReplicaState.Ok, lease.Version, "rebuilt from a peer", $"data-{back.ServerId}"), Token);
        Assert.Equal(ServerState.Up, (await _api.GetServerAsync(back.ServerId, Token)).State);
        Assert.Contains((await _api.GetEventsAsync(start, kind: EventKinds.ServerUp, cancellationToken: Token)).Events,
            e => e.ServerId == back.ServerId && e.Message.Contains("finished rebuilding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heartbeats_store_stats_and_unknown_servers_or_instances_must_register_again()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(102), Token);
        var before = await _api.GetServerAsync(registered.ServerId, Token);

        var response = await _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-102", new DataServerStats(5, 5000, 1L << 31, 1L << 30)), Token);

        Assert.Equal((ServerState.Up, false), (response.State, response.ReRegister));
        var after = await _api.GetServerAsync(registered.ServerId, Token);
        Assert.Equal(new DataServerStats(5, 5000, 1L << 31, 1L << 30), after.Stats);
        Assert.True(after.LastHeartbeat >= before.LastHeartbeat);
        Assert.True((await _api.HeartbeatAsync(int.MaxValue, new HeartbeatRequest("instance-102", new DataServerStats(0, 0, 0, 0)), Token)).ReRegister);
        Assert.True((await _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("someone-else", new DataServerStats(0, 0, 0, 0)), Token)).ReRegister);
        Assert.Equal(after.Stats, (await _api.GetServerAsync(registered.ServerId, Token)).Stats);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-102", new DataServerStats(-1, 0, 0, 0)), Token));
    }

    [Fact]
    public async Task A_silent_server_goes_down_after_the_timeout_and_up_with_its_next_heartbeat()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(103), Token);
        var start = await LastEventAsync();

        await fixture.Cluster.WaitUntilAsync(
            async () => (await _api.GetServerAsync(registered.ServerId, Token)).State == ServerState.Down,
            TimeSpan.FromSeconds(15),
            "the silent server to be marked down",
            Token);

        var down = Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ServerDown, cancellationToken: Token)).Events, e => e.ServerId == registered.ServerId);
        Assert.Matches(@$"^data-{registered.ServerId} \(http://[^)]+\) sent no heartbeat for \d+\.\d s \(timeout 1\.0 s\): marked down\.$", down.Message);
        var silence = double.Parse(down.Message.Split(" for ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(silence, 1.0, 10.0);

        var back = await _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-103", new DataServerStats(0, 0, 1, 1)), Token);
        Assert.Equal((ServerState.Up, false), (back.State, back.ReRegister));
        Assert.Single((await _api.GetEventsAsync(start, kind: EventKinds.ServerUp, cancellationToken: Token)).Events, e => e.ServerId == registered.ServerId);
    }

    [Fact]
    public async Task A_down_server_takes_no_new_replicas_and_without_live_servers_leases_are_503()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await fixture.Cluster.WaitUntilAsync(
            async () => (await _api.GetServersAsync(Token)).All(s => s.State == ServerState.Down),
            TimeSpan.FromSeconds(15),
            "every made-up server to be down",
            Token);

        var problem = await ProblemAssert.ErrnoAsync(Errno.EAGAIN, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([0]), Token));
        Assert.Contains("No data server is up", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks);
        Assert.Equal(0, (await _api.StatFsAsync(Token)).TotalBlocks);
    }

    [Fact]
    public async Task Bad_registrations_are_refused()
    {
        var servers = (await _api.GetServersAsync(Token)).Count;
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, url: "ftp://127.0.0.1:1"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, url: "/relative"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, url: "http://127.0.0.1:1/?q=1"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, url: "http://user:pw@127.0.0.1:1"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, instanceId: new string('i', 129)), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(104, capacity: -1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(new RegisterRequest(FakeDataServers.UrlOf(104), "i", null!), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetServerAsync(int.MaxValue, Token));
        Assert.Equal(servers, (await _api.GetServersAsync(Token)).Count);
    }

    private async Task<long> LastEventAsync() => (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

    private async Task KeepAliveAsync(int serverId, Func<string> instanceId, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _api.HeartbeatAsync(serverId, new HeartbeatRequest(instanceId(), new DataServerStats(0, 0, 1L << 30, 1L << 29)), CancellationToken.None);
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
