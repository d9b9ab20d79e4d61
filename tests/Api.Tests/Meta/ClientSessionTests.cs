using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Client sessions through the real API: registration, validation, renewal, ending, events.</summary>
public sealed class ClientSessionTests(HealingClusterFixture fixture) : IClassFixture<HealingClusterFixture>
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_session_registers_renews_lists_and_ends_with_events()
    {
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        var session = await _api.RegisterClientAsync(new RegisterClientRequest("mount /mnt/a", "host-a", 4242, 2, 2), Token);

        Assert.Equal(("mount /mnt/a", "host-a", 4242, 2, 2, true), (session.Name, session.Host, session.Pid, session.ReadQuorum, session.WriteQuorum, session.StronglyConsistent));
        Assert.Equal(session.StartedAt, session.LastSeen);
        Assert.Contains(await _api.GetClientsAsync(Token), c => c.Id == session.Id);
        await Task.Delay(20, Token);
        var renewed = await _api.RenewClientAsync(session.Id, Token);
        Assert.Equal(session.StartedAt, renewed.StartedAt);
        Assert.True(renewed.LastSeen > session.LastSeen);

        await _api.EndClientAsync(session.Id, Token);

        Assert.DoesNotContain(await _api.GetClientsAsync(Token), c => c.Id == session.Id);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.RenewClientAsync(session.Id, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.EndClientAsync(session.Id, Token));
        var events = (await _api.GetEventsAsync(start, kind: "client.", cancellationToken: Token)).Events;
        Assert.Equal([EventKinds.ClientConnected, EventKinds.ClientDisconnected], events.Select(e => e.Kind));
        Assert.Equal($"Client 'mount /mnt/a' (host host-a, pid 4242, session {session.Id}) connected with Qr=2, Qw=2 of R=3 (strongly consistent).", events[0].Message);
        Assert.Equal($"Client 'mount /mnt/a' (host host-a, pid 4242, session {session.Id}) disconnected (session ended).", events[1].Message);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, true)]
    [InlineData(1, 3, true)]
    [InlineData(3, 3, true)]
    public async Task Strong_consistency_is_Qr_plus_Qw_above_R(int readQuorum, int writeQuorum, bool strong)
    {
        var session = await _api.RegisterClientAsync(new RegisterClientRequest("tool", "h", 1, readQuorum, writeQuorum), Token);
        Assert.Equal(strong, session.StronglyConsistent);
        await _api.EndClientAsync(session.Id, Token);
    }

    [Fact]
    public async Task Quorums_outside_1_to_R_and_bad_names_are_400()
    {
        var before = (await _api.GetClientsAsync(Token)).Count;
        foreach (var (qr, qw) in new[] { (0, 1), (1, 0), (4, 1), (1, 4), (-1, 2) })
        {
            var problem = await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterClientAsync(new RegisterClientRequest("m", "h", 1, qr, qw), Token));
            Assert.Contains("between 1 and the replica count 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterClientAsync(new RegisterClientRequest(" ", "h", 1, 1, 1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterClientAsync(new RegisterClientRequest("m", new string('h', 256), 1, 1, 1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterClientAsync(new RegisterClientRequest("m", "h", -5, 1, 1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterClientAsync(new RegisterClientRequest(null!, "h", 1, 1, 1), Token));
        Assert.Equal(before, (await _api.GetClientsAsync(Token)).Count);
    }

    [Fact]
    public async Task A_session_that_is_not_renewed_expires_after_three_heartbeat_timeouts()
    {
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;
        var session = await _api.RegisterClientAsync(new RegisterClientRequest("short-lived", "h", 7, 1, 1), Token);

        await fixture.Cluster.WaitUntilAsync(
            async () => (await _api.GetEventsAsync(start, kind: EventKinds.ClientDisconnected, cancellationToken: Token)).Events.Any(e => e.Message.Contains($"session {session.Id})", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20),
            "the session to expire",
            Token);

        Assert.DoesNotContain(await _api.GetClientsAsync(Token), c => c.Id == session.Id);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.RenewClientAsync(session.Id, Token));
    }
}

/// <summary>Session expiry decided on a fake clock (in process).</summary>
public sealed class ClientSessionExpiryTests : IDisposable
{
    private readonly DirectoryInfo _dataDir = new(Path.Combine(Path.GetTempPath(), "replicafs-tests", "sessions-" + Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private InProcessMeta? _meta;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sessions_live_three_heartbeat_timeouts_after_their_last_renewal()
    {
        _meta = await InProcessMeta.StartAsync(new MetaServerOptions { DataDir = _dataDir, HeartbeatTimeout = TimeSpan.FromSeconds(5), ChunkSize = 64 * 1024 }, _clock);
        var clients = _meta.Clients;
        Assert.Equal(TimeSpan.FromSeconds(15), clients.Timeout);
        var kept = await clients.RegisterAsync(new RegisterClientRequest("kept", "h", 1, 2, 2), Token);
        var dropped = await clients.RegisterAsync(new RegisterClientRequest("dropped", "h", 2, 1, 1), Token);

        _clock.Advance(TimeSpan.FromSeconds(14));
        await clients.RenewAsync(kept.Id, Token);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await clients.ExpireAsync(Token));
        Assert.Equal(2, (await clients.ListAsync(Token)).Count);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([dropped.Id], (await clients.ExpireAsync(Token)).Select(s => s.Id));
        Assert.Equal([kept.Id], (await clients.ListAsync(Token)).Select(s => s.Id));
        await Assert.ThrowsAsync<PosixException>(() => clients.RenewAsync(dropped.Id, Token));

        var expired = Assert.Single(await _meta.Database.ReadAsync(tx => tx.Events.List(0, 100, EventKinds.ClientDisconnected), Token));
        Assert.Equal(EventSeverity.Warning, expired.Severity);
        Assert.Equal($"Client 'dropped' (host h, pid 2, session {dropped.Id}) expired: not renewed for 15 s (sessions expire after 15 s, three heartbeat timeouts).", expired.Message);

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await clients.ListAsync(Token));
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
}
