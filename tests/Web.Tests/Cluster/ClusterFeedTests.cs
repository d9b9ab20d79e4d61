using Microsoft.Extensions.Logging.Abstractions;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Testing;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Events;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Tests.Supervision;

namespace ReplicaFs.Web.Tests.Cluster;

/// <summary>The dashboard's poller and event archive against a real cluster.</summary>
[Collection(RealClusters.Name)]
public sealed class ClusterFeedTests
{
    [Fact(Timeout = 300_000)]
    public async Task One_poll_brings_health_servers_settings_and_events_and_follows_a_server_going_down_and_meta_going_away()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 3, Replicas = 3 }, cancellationToken);
        using var feed = Feed(cluster);
        var seen = new List<long>();
        using var first = feed.Subscribe(s => seen.Add(s.Sequence));
        var second = feed.Subscribe(s => seen.Add(-s.Sequence));

        await feed.PollOnceAsync(cancellationToken);

        var snapshot = feed.Current;
        Assert.Equal([1, -1], seen);
        Assert.Equal(HealthStatus.Healthy, snapshot.Health.Value!.Status);
        Assert.Equal(3, snapshot.Servers.Value!.Count);
        Assert.Equal(3, snapshot.Config.Value!.Replicas);
        Assert.Contains(snapshot.Events, e => e.Kind == EventKinds.ServerRegistered);
        Assert.True(snapshot.Events.Zip(snapshot.Events.Skip(1)).All(p => p.First.Id > p.Second.Id), "events are not newest first");
        Assert.Single(snapshot.Activity);

        // Unsubscribed: not called any more.
        second.Dispose();
        await feed.PollOnceAsync(cancellationToken);
        Assert.Equal([1, -1, 2], seen);

        // A server goes down: the next polls show it, and the event that says so.
        await cluster.KillDataServerAsync(1);
        await WaitAsync(feed, s => s.Servers.Value!.Any(v => v.State == ServerState.Down) && s.Health.Value!.Status != HealthStatus.Healthy, cancellationToken);
        Assert.Contains(feed.Current.Events, e => e.Kind == EventKinds.ServerDown);

        // Meta goes away: errors, with the last known state kept.
        await cluster.KillMetaAsync();
        await feed.PollOnceAsync(cancellationToken);
        var stale = feed.Current;
        Assert.True(stale.Servers.IsStale, "the servers should be kept as stale");
        Assert.True(stale.Health.IsStale, "the health should be kept as stale");
        Assert.Contains("cannot reach", stale.Servers.Error, StringComparison.Ordinal);
        Assert.NotNull(stale.EventsError);
    }

    [Fact(Timeout = 300_000)]
    public async Task Older_events_are_read_backwards_page_by_page_until_the_start_of_the_log()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 1, Replicas = 1 }, cancellationToken);
        for (var i = 0; i < 25; i++)
        {
            await cluster.MetaApi.AddEventAsync(new NewEvent("test.numbered", EventSeverity.Info, $"event {i}", "test"), cancellationToken);
        }

        var archive = new MetaEventArchive(cluster.MetaApi);
        var last = (await cluster.MetaApi.GetEventsAsync(0, 1, null, cancellationToken)).LastId;
        var all = new List<ClusterEvent>();
        var before = last + 1;
        for (var page = 0; page < 20; page++)
        {
            var older = await archive.LoadOlderAsync(before, 10, cancellationToken);
            Assert.True(older.Events.Count <= 10);
            all.AddRange(older.Events);
            if (older.ReachedStart)
            {
                break;
            }

            before = older.Events[^1].Id;
        }

        var everything = (await cluster.MetaApi.GetEventsAsync(0, 1000, null, cancellationToken)).Events;
        Assert.Equal(everything.Select(e => e.Id).Reverse(), all.Select(e => e.Id));
        Assert.Equal(25, all.Count(e => e.Kind == "test.numbered"));
    }

    private static ClusterFeed Feed(TestCluster cluster) =>
        new(
            RestService.For<IClusterApi>(new HttpClient { BaseAddress = cluster.MetaUrl, Timeout = TimeSpan.FromSeconds(10) }),
            new DashboardOptions { MetaUrl = cluster.MetaUrl },
            TimeProvider.System,
            NullLogger<ClusterFeed>.Instance);

    private static async Task WaitAsync(ClusterFeed feed, Func<ClusterSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await feed.PollOnceAsync(cancellationToken);
            if (feed.Current.Servers.Value is not null && feed.Current.Health.Value is not null && condition(feed.Current))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the feed did not show the change within 30 s");
            await Task.Delay(250, cancellationToken);
        }
    }
}
