using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;
using ReplicaFs.Web.Actions;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Tests.Supervision;

namespace ReplicaFs.Web.Tests.Actions;

/// <summary>The buttons in remote mode against a real cluster: they use the data servers' fault and admin endpoints.</summary>
[Collection(RealClusters.Name)]
public sealed class ServerActionsTests
{
    [Fact(Timeout = 300_000)]
    public async Task Remote_kill_crashes_restore_brings_back_empty_scrub_runs_and_corrupt_damages_one_replica()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 2, Replicas = 2 }, cancellationToken);
        await using var services = Services(cluster, cluster.Options.AdminToken);
        var actions = services.GetRequiredService<IServerActions>();
        var feed = services.GetRequiredService<ClusterFeed>();
        await feed.PollOnceAsync(cancellationToken);
        var target = feed.Current.ServerViews[0];
        var instance = target.Info!.InstanceId;

        // Corrupt: flip bytes of a stored chunk; its digest no longer matches.
        const long ChunkId = 0x51;
        var key = ChunkKey.FromId(ChunkId);
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        await PutAsync(cluster, target.Url, key, 1, bytes, cancellationToken);
        var corrupted = await actions.CorruptAsync(target.Url, target.Name, ChunkId, 1, cancellationToken);
        Assert.Contains($"chunk {key} version 1 on {target.Name}", corrupted, StringComparison.Ordinal);
        var data = Refit.RestService.For<Contracts.Api.IDataServerApi>(new HttpClient { BaseAddress = new Uri(target.Url) });
        Assert.False((await data.GetDigestAsync(key, 1, cancellationToken)).Intact);

        var scrub = await actions.ScrubAsync(target, cancellationToken);
        Assert.StartsWith($"Scrub of {target.Name}", scrub, StringComparison.Ordinal);

        var killed = await actions.KillAsync(target, cancellationToken);
        Assert.Contains("crashed (fault injection)", killed, StringComparison.Ordinal);
        await cluster.WaitUntilAsync(async () => (await cluster.MetaApi.GetServerAsync(target.Info.Id, cancellationToken)).State == ServerState.Crashed, TimeSpan.FromSeconds(30), "meta to mark the server crashed", cancellationToken);

        var restored = await actions.RestoreAsync(target, cancellationToken);
        Assert.Contains("came back empty", restored, StringComparison.Ordinal);
        await cluster.WaitUntilAsync(async () => (await cluster.MetaApi.GetServerAsync(target.Info.Id, cancellationToken)).InstanceId != instance, TimeSpan.FromSeconds(30), "the server to register with a new instance id", cancellationToken);
        Assert.True(feed.Current.Sequence > 0);
    }

    [Fact(Timeout = 300_000)]
    public async Task Failures_are_reported_with_what_went_wrong()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 1, Replicas = 1 }, cancellationToken);
        await using var noToken = Services(cluster, adminToken: null);
        var feed = noToken.GetRequiredService<ClusterFeed>();
        await feed.PollOnceAsync(cancellationToken);
        var server = feed.Current.ServerViews[0];

        var missingToken = await Assert.ThrowsAsync<DashboardActionException>(() => noToken.GetRequiredService<IServerActions>().ScrubAsync(server, cancellationToken));
        Assert.Contains("has no admin token", missingToken.Message, StringComparison.Ordinal);

        await using var wrongToken = Services(cluster, "not-the-token");
        var forbidden = await Assert.ThrowsAsync<DashboardActionException>(() => wrongToken.GetRequiredService<IServerActions>().KillAsync(server, cancellationToken));
        Assert.Contains("403", forbidden.Message, StringComparison.Ordinal);

        await using var good = Services(cluster, cluster.Options.AdminToken);
        var notStored = await Assert.ThrowsAsync<DashboardActionException>(() => good.GetRequiredService<IServerActions>().CorruptAsync(server.Url, server.Name, 0x99, 1, cancellationToken));
        Assert.Contains("404", notStored.Message, StringComparison.Ordinal);

        var nobody = server with { Url = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}" };
        var unreachable = await Assert.ThrowsAsync<DashboardActionException>(() => good.GetRequiredService<IServerActions>().ScrubAsync(nobody, cancellationToken));
        Assert.Contains("cannot reach the server", unreachable.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(TestCluster cluster, string? adminToken)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDashboard(new DashboardOptions { MetaUrl = cluster.MetaUrl, AdminToken = adminToken });
        return services.BuildServiceProvider();
    }

    private static async Task PutAsync(TestCluster cluster, string url, string key, long version, byte[] bytes, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ChunkHeaders.OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{url}/api/chunks/{key}?version={version.ToString(CultureInfo.InvariantCulture)}")) { Content = content };
        request.Headers.Add(ChunkHeaders.Checksum, ChunkChecksum.Format(ChunkChecksum.Compute(bytes)));
        using var response = await cluster.Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
