using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Storage.Sqlite;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>
/// The membership monitor and the restart grace period on a fake clock, over a real SQLite database in a
/// temporary directory (in process, no HTTP).
/// </summary>
public sealed class MembershipMonitorTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly DirectoryInfo _dataDir = new(Path.Combine(Path.GetTempPath(), "replicafs-tests", "monitor-" + Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly List<SqliteMetaDatabase> _databases = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_silent_past_the_timeout_is_marked_down_with_an_event()
    {
        var (database, membership, _) = await StartMetaAsync();
        var id = (await membership.RegisterAsync(FakeDataServers.Request(1), Token)).ServerId;

        _clock.Advance(Timeout);
        Assert.Empty(await membership.MarkSilentServersDownAsync(Token));
        Assert.Equal(ServerState.Up, (await membership.GetServerAsync(id, Token)).State);

        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal([id], await membership.MarkSilentServersDownAsync(Token));
        Assert.Equal(ServerState.Down, (await membership.GetServerAsync(id, Token)).State);
        var down = await database.ReadAsync(tx => tx.Events.List(0, 100, EventKinds.ServerDown), Token);
        Assert.Equal($"data-{id} ({FakeDataServers.UrlOf(1)}) sent no heartbeat for 5.5 s (timeout 5.0 s): marked down.", Assert.Single(down).Message);

        // Down once is enough: no second event.
        _clock.Advance(Timeout * 3);
        Assert.Empty(await membership.MarkSilentServersDownAsync(Token));
    }

    [Fact]
    public async Task The_background_monitor_marks_silent_servers_down_on_its_own()
    {
        var (_, membership, tracker) = await StartMetaAsync();
        var quiet = (await membership.RegisterAsync(FakeDataServers.Request(2), Token)).ServerId;
        var chatty = (await membership.RegisterAsync(FakeDataServers.Request(3), Token)).ServerId;
        using var monitor = new MembershipMonitor(membership, tracker, _clock, NullLogger<MembershipMonitor>.Instance);
        await monitor.StartAsync(Token);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while ((await membership.GetServerAsync(quiet, Token)).State != ServerState.Down)
            {
                Assert.True(DateTime.UtcNow < deadline, "The monitor did not mark the silent server down.");
                await membership.HeartbeatAsync(chatty, new HeartbeatRequest("instance-3", new DataServerStats(0, 0, 1, 1)), Token);
                _clock.Advance(monitor.Period);
                await Task.Delay(10, Token);
            }

            Assert.True(_clock.GetUtcNow() - (await membership.GetServerAsync(quiet, Token)).LastHeartbeat > Timeout);
            Assert.Equal(ServerState.Up, (await membership.GetServerAsync(chatty, Token)).State);
        }
        finally
        {
            await monitor.StopAsync(Token);
        }
    }

    [Fact]
    public async Task After_a_restart_every_server_gets_a_fresh_grace_period()
    {
        var (_, membership, _) = await StartMetaAsync();
        var id = (await membership.RegisterAsync(FakeDataServers.Request(4), Token)).ServerId;
        _clock.Advance(TimeSpan.FromSeconds(4));
        DisposeDatabases();

        // The metadata server restarts 4 s after the last heartbeat: the server is not down 2 s later ...
        var (_, restarted, _) = await StartMetaAsync();
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await restarted.MarkSilentServersDownAsync(Token));
        Assert.Equal(ServerState.Up, (await restarted.GetServerAsync(id, Token)).State);

        // ... but a whole timeout after the restart without a heartbeat, it is.
        _clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal([id], await restarted.MarkSilentServersDownAsync(Token));
    }

    public void Dispose()
    {
        DisposeDatabases();
        try
        {
            _dataDir.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task<(SqliteMetaDatabase Database, MembershipService Membership, HeartbeatTracker Tracker)> StartMetaAsync()
    {
        var options = new MetaServerOptions { DataDir = _dataDir, HeartbeatTimeout = Timeout, ChunkSize = 64 * 1024 };
        var database = new SqliteMetaDatabase(NullLogger<SqliteMetaDatabase>.Instance);
        _databases.Add(database);
        var settings = new ActiveClusterSettings(options);
        var tracker = new HeartbeatTracker(_clock, Timeout);
        var membership = new MembershipService(database, settings, tracker, new ServerActivityStore(), _clock, NullLogger<MembershipService>.Instance);
        await new MetaStartup(database, options, settings, membership, _clock, NullLogger<MetaStartup>.Instance).StartAsync(Token);
        return (database, membership, tracker);
    }

    private void DisposeDatabases()
    {
        _databases.ForEach(d => d.Dispose());
        _databases.Clear();
    }
}
