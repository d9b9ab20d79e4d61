using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>
/// Made-up data servers registered through the real API and kept alive by heartbeats every 100 ms until stopped:
/// meta sees them exactly as it sees real servers. Each can be silenced (it goes down after the timeout) or made to
/// report a crash.
/// </summary>
public sealed class FakeServerFleet : IAsyncDisposable
{
    private readonly IMetadataApi _api;
    private readonly List<Member> _members = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeats;

    private FakeServerFleet(IMetadataApi api)
    {
        _api = api;
        _heartbeats = Task.Run(HeartbeatLoopAsync);
    }

    /// <summary>The server ids, in registration order.</summary>
    public IReadOnlyList<int> Ids => [.. _members.Select(m => m.Id)];

    /// <summary>
    /// Registers <paramref name="count"/> new servers (numbers from <paramref name="firstNumber"/>) and, when
    /// <paramref name="isolate"/>, waits until every other server of the cluster is down, so new chunks land only on them.
    /// </summary>
    public static async Task<FakeServerFleet> StartAsync(TestCluster cluster, int firstNumber, int count, bool isolate = true)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var fleet = new FakeServerFleet(cluster.MetaApi);
        for (var i = 0; i < count; i++)
        {
            var n = firstNumber + i;
            var response = await cluster.MetaApi.RegisterAsync(FakeDataServers.Request(n), TestContext.Current.CancellationToken);
            lock (fleet._members)
            {
                fleet._members.Add(new Member(response.ServerId, n));
            }
        }

        if (isolate)
        {
            var ids = fleet.Ids.ToHashSet();
            await cluster.WaitUntilAsync(
                async () => (await cluster.MetaApi.GetServersAsync(TestContext.Current.CancellationToken)).All(s => ids.Contains(s.Id) ? s.IsLive() : s.State == ServerState.Down),
                TimeSpan.FromSeconds(20),
                "the servers of earlier tests to be down and this test's servers up",
                TestContext.Current.CancellationToken);
        }

        return fleet;
    }

    /// <summary>The made-up server number of <paramref name="serverId"/> (its instance id is <c>instance-{n}</c>).</summary>
    public int NumberOf(int serverId) => _members.Single(m => m.Id == serverId).Number;

    /// <summary>Stops heartbeating <paramref name="serverId"/>; meta marks it down after the timeout.</summary>
    public void Silence(int serverId) => Find(serverId).Silent = true;

    /// <summary>Heartbeats of <paramref name="serverId"/> report a crash from now on.</summary>
    public void Crash(int serverId) => Find(serverId).Crashed = true;

    /// <summary>
    /// Restores a crashed (or silenced) server as a new instance: it registers with <paramref name="instanceId"/> and
    /// heartbeats normally from then on.
    /// </summary>
    public async Task<RegisterResponse> RestoreAsync(int serverId, string instanceId)
    {
        var member = Find(serverId);
        var response = await _api.RegisterAsync(FakeDataServers.Request(member.Number, instanceId: instanceId), TestContext.Current.CancellationToken);
        member.Instance = instanceId;
        member.Crashed = false;
        member.Silent = false;
        return response;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _heartbeats;
        _stop.Dispose();
    }

    private Member Find(int serverId)
    {
        lock (_members)
        {
            return _members.Single(m => m.Id == serverId);
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            List<Member> members;
            lock (_members)
            {
                members = [.. _members.Where(m => !m.Silent)];
            }

            foreach (var member in members)
            {
                try
                {
                    await _api.HeartbeatAsync(member.Id, new HeartbeatRequest(member.Instance, new DataServerStats(0, 0, 1L << 30, 1L << 29), null, member.Crashed), _stop.Token);
                }
                catch (Exception ex) when (ex is HttpRequestException or Refit.ApiException or OperationCanceledException)
                {
                    // The test decides what matters; a missed heartbeat is retried in 100 ms.
                }
            }

            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private sealed class Member(int id, int number)
    {
        public int Id { get; } = id;

        public int Number { get; } = number;

        public volatile string Instance = $"instance-{number}";

        public volatile bool Silent;

        public volatile bool Crashed;
    }
}

/// <summary>Server info shortcuts.</summary>
public static class DataServerInfoExtensions
{
    /// <summary>Up or rebuilding.</summary>
    public static bool IsLive(this DataServerInfo server) =>
        server?.State is ServerState.Up or ServerState.Rebuilding;
}
