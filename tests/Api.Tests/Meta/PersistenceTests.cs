using System.Globalization;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server that the persistence tests kill and restart.</summary>
public sealed class PersistenceClusterFixture : ClusterFixture
{
    /// <summary>The heartbeat timeout of this server.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        Replicas = 2,
        ChunkSize = 128 * 1024,
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        HeartbeatTimeout = Timeout,
    };
}

/// <summary>Everything acknowledged survives kill -9; versions, ids and settings stay right across restarts.</summary>
public sealed class PersistenceTests(PersistenceClusterFixture fixture) : IClassFixture<PersistenceClusterFixture>
{
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_acknowledged_change_survives_kill_9()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var sub = await _api.NewDirectoryAsync(dir.Ino, "sub");
        var file = await _api.NewFileAsync(sub.Ino, "file");
        await _api.LinkAsync(dir.Ino, new LinkRequest("hardlink", file.Ino), Token);
        var symlink = await _api.CreateSymlinkAsync(dir.Ino, new CreateSymlinkRequest("symlink", "sub/file", 5, 6), Token);
        await _api.SetExtendedAttributeAsync(file.Ino, "user.kept", new ByteArrayContent([9, 8, 7]), cancellationToken: Token);
        var stamped = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Mode: 0x180, Mtime: new Timestamp(1_700_000_000, 123_456_789)), Token);
        var server = await _api.RegisterAsync(FakeDataServers.Request(200), Token);
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var committed = await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 1234)], 1234, TouchMtime: false), Token);
        var orphan = await _api.NewFileAsync(dir.Ino, "orphan");
        await _api.UnlinkAsync(dir.Ino, "orphan", keepOrphan: true, cancellationToken: Token);
        var note = await _api.AddEventAsync(new NewEvent("test.persisted", EventSeverity.Info, "before the crash", "test"), Token);
        var chunk = (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe();
        var listing = await _api.ListAllAsync(dir.Ino);

        await _cluster.RestartMetaAsync(Token);

        Assert.Equal(committed, await _api.AttributesAsync(file.Ino));
        Assert.Equal((stamped.Mode, stamped.Mtime, 2, 1234L), (committed.Mode, committed.Mtime, committed.Nlink, committed.Size));
        Assert.Equal(listing.Select(e => (e.Name, e.Cookie, e.Attributes.Ino)), (await _api.ListAllAsync(dir.Ino)).Select(e => (e.Name, e.Cookie, e.Attributes.Ino)));
        Assert.Equal(file.Ino, (await _api.ResolveAsync($"{dir.Path}/sub/file", Token)).Ino);
        Assert.Equal("sub/file", (await _api.ReadLinkAsync(symlink.Ino, Token)).Target);
        using var xattr = await _api.GetExtendedAttributeAsync(file.Ino, "user.kept", Token);
        Assert.Equal([9, 8, 7], await xattr.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(chunk, (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());
        Assert.Equal(0, (await _api.AttributesAsync(orphan.Ino)).Nlink);
        Assert.Equal(server.ServerId, (await _api.RegisterAsync(FakeDataServers.Request(200), Token)).ServerId);
        Assert.Contains((await _api.GetEventsAsync(note.Id - 1, kind: "test.", cancellationToken: Token)).Events, e => e.Id == note.Id && e.Message == "before the crash");
        Assert.Equal(3, (await _api.AttributesAsync(dir.Ino)).Nlink);
    }

    [Fact]
    public async Task Versions_inode_numbers_chunk_ids_and_cookies_never_repeat_across_restarts()
    {
        await _api.RegisterAsync(FakeDataServers.Request(201), Token);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "a");
        var first = await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([0, 1, 2]), Token);
        // Delete the newest inode and its chunks: their numbers must not come back.
        await _api.UnlinkAsync(dir.Ino, "a", cancellationToken: Token);
        var cookie = (await _api.ListAllAsync(1)).Max(e => e.Cookie);

        await _cluster.RestartMetaAsync(Token);
        await _api.RegisterAsync(FakeDataServers.Request(201), Token);

        var again = await _api.NewFileAsync(dir.Ino, "a");
        Assert.True(again.Ino > file.Ino);
        var second = await _api.AcquireLeasesAsync(again.Ino, new LeaseRequest([0, 1, 2]), Token);
        Assert.True(second.Leases.Min(l => l.Version) > first.Leases.Max(l => l.Version));
        Assert.True(second.Leases.Min(l => l.ChunkId) > first.Leases.Max(l => l.ChunkId));
        await _api.NewFileAsync(1, $"cookie-{Guid.NewGuid():N}");
        Assert.True((await _api.ListAllAsync(1)).Max(e => e.Cookie) > cookie);
    }

    [Fact]
    public async Task Stored_settings_win_over_a_different_command_line_with_a_warning()
    {
        var config = await _api.GetConfigAsync(Token);
        var original = _cluster.Meta.Arguments;
        var startedBefore = (await _api.GetEventsAsync(kind: EventKinds.MetaStarted, limit: 1000, cancellationToken: Token)).Events.Count;
        try
        {
            _cluster.Meta.Arguments = [.. original.Select(a => a switch { "2" => "3", "131072" => "262144", _ => a })];
            Assert.Contains("262144", _cluster.Meta.Arguments);

            await _cluster.RestartMetaAsync(Token);

            Assert.Equal(config, await _api.GetConfigAsync(Token));
            Assert.Contains(
                "Keeping the stored cluster settings: replicas 2, chunk size 131072 bytes. They are fixed when the cluster is created; the command line's replicas 3 and chunk size 262144 are ignored.",
                _cluster.Meta.ReadLog(),
                StringComparison.Ordinal);
        }
        finally
        {
            _cluster.Meta.Arguments = original;
            await _cluster.RestartMetaAsync(Token);
        }

        var started = (await _api.GetEventsAsync(kind: EventKinds.MetaStarted, limit: 1000, cancellationToken: Token)).Events;
        Assert.Equal(startedBefore + 2, started.Count);
        Assert.Contains($"cluster {config.ClusterId} opened", started[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_servers_get_a_fresh_grace_period_when_meta_restarts()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(202), Token);
        await _api.HeartbeatAsync(registered.ServerId, new HeartbeatRequest("instance-202", new DataServerStats(0, 0, 1, 1)), Token);
        await _cluster.KillMetaAsync();
        // Longer than the timeout passes without a heartbeat while meta is away.
        await Task.Delay(PersistenceClusterFixture.Timeout + TimeSpan.FromMilliseconds(500), Token);

        await _cluster.StartMetaAsync(cancellationToken: Token);

        // Without heartbeats it goes down one timeout after the restart, not at once for the silence before it.
        // Judged from the event log's times (the grace starts just before meta.started is written), not from how long
        // this machine took to start meta and ask.
        await _cluster.WaitUntilAsync(
            async () => (await _api.GetServerAsync(registered.ServerId, Token)).State == ServerState.Down,
            TimeSpan.FromSeconds(15),
            "the silent server to go down after its grace period",
            Token);
        var started = (await _api.GetEventsAsync(kind: EventKinds.MetaStarted, limit: 1000, cancellationToken: Token)).Events[^1];
        var down = Assert.Single((await _api.GetEventsAsync(started.Id, 1000, EventKinds.ServerDown, Token)).Events, e => e.ServerId == registered.ServerId);
        Assert.True(down.Time - started.Time >= PersistenceClusterFixture.Timeout - TimeSpan.FromSeconds(1),
            $"down {(down.Time - started.Time).TotalMilliseconds} ms after the restart, before its grace period of {PersistenceClusterFixture.Timeout} ended");
        var server = await _api.GetServerAsync(registered.ServerId, Token);
        Assert.True(server.LastHeartbeat < started.Time, "the last heartbeat is still the one from before the restart");
    }

    [Fact]
    public async Task The_database_is_WAL_with_the_current_schema_version()
    {
        using var db = MetaDatabaseFile.Open(_cluster);
        using var command = db.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        Assert.Equal([2L], db.Longs("PRAGMA user_version;"));
        Assert.Equal([1L], db.Longs("SELECT ino FROM inodes WHERE ino = 1 AND kind = 1 AND mode = $mode AND nlink >= 2", ("$mode", 0x41EDL)));
        await Task.CompletedTask;
    }
}
