using System.Net;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>Registration and heartbeats against the real metadata server (each test runs its own cluster).</summary>
public sealed class DataServerRegistrationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static ClusterOptions SmallCluster => new() { DataServers = 2, Replicas = 2 };

    [Fact]
    public async Task Data_servers_register_and_heartbeat_their_stats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(SmallCluster, ct);

        var servers = await cluster.MetaApi.GetServersAsync(ct);
        foreach (var handle in cluster.DataServers)
        {
            var status = await cluster.DataApi(handle.Index).GetStatusAsync(ct);
            var known = Assert.Single(servers, s => s.Url == handle.UrlText);
            Assert.Equal(handle.UrlText, status.Url);
            Assert.Equal(status.InstanceId, known.InstanceId);
            Assert.Equal(ServerState.Up, known.State);
            await cluster.WaitUntilAsync(
                async () => (await cluster.DataApi(handle.Index).GetStatusAsync(ct)).ServerId == known.Id,
                Timeout, $"{handle.Name} to know its server id", ct);
        }

        // Heartbeats carry the storage figures.
        var data = Bytes(12345, 1);
        await cluster.Http.PutNewAsync(cluster.DataServers[0].Url, NewKey(), 1, data, ct);
        var id = await cluster.ServerIdAsync(0, ct);
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetServerAsync(id, ct)).Stats is { ChunkCount: 1, BytesStored: 12345, CapacityBytes: > 0 },
            Timeout, "meta to see the new chunk in data-1's heartbeat", ct);
    }

    [Fact]
    public async Task Data_servers_keep_serving_while_meta_is_down_and_are_up_again_after_it_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(SmallCluster, ct);
        var id = await cluster.ServerIdAsync(0, ct);
        var key = NewKey();
        var data = Bytes(70_000, 2);

        await cluster.KillMetaAsync();
        await cluster.Http.PutNewAsync(cluster.DataServers[0].Url, key, 1, data, ct);
        using (var get = await cluster.Http.GetAsync(new Uri(cluster.DataServers[0].Url, $"/api/chunks/{key}"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        }

        // Let a few heartbeats fail, then bring meta back: every data server is up again under the same id.
        // The first failure is awaited rather than assumed: on a loaded machine a heartbeat can be late.
        await cluster.WaitUntilAsync(
            () => Task.FromResult(cluster.DataServers[0].Process.ReadLog().Contains("is unreachable", StringComparison.Ordinal)),
            Timeout, "data-1 to notice that meta is gone", ct);
        await Task.Delay(cluster.Options.HeartbeatInterval * 5, ct);
        var before = DateTimeOffset.UtcNow;
        await cluster.StartMetaAsync(cancellationToken: ct);
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetServerAsync(id, ct)) is { State: ServerState.Up } s && s.LastHeartbeat > before && s.Stats.ChunkCount == 1,
            Timeout, "data-1 to heartbeat the restarted meta", ct);
        Assert.Equal(id, await cluster.ServerIdAsync(0, ct));
        await cluster.WaitUntilAsync(
            () => Task.FromResult(cluster.DataServers[0].Process.ReadLog().Contains("is reachable again", StringComparison.Ordinal)),
            Timeout, "data-1 to log that meta is back", ct);

        // The outage is logged once, not once per failed attempt.
        var log = cluster.DataServers[0].Process.ReadLog();
        Assert.Equal(1, CountOccurrences(log, "is unreachable"));
        Assert.Equal(1, CountOccurrences(log, "is reachable again"));
    }

    [Fact]
    public async Task Data_servers_register_again_when_meta_has_forgotten_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(SmallCluster, ct);
        var instance = (await cluster.DataApi(0).GetStatusAsync(ct)).InstanceId;

        // Meta loses its database: its heartbeat answer tells the data servers to register again.
        await cluster.KillMetaAsync();
        Directory.Delete(cluster.MetaDataDir, recursive: true);
        await cluster.StartMetaAsync(cancellationToken: ct);

        var servers = await cluster.MetaApi.GetServersAsync(ct);
        Assert.Equal(cluster.DataServers.Select(d => d.UrlText).Order(StringComparer.Ordinal), servers.Select(s => s.Url).Order(StringComparer.Ordinal));
        var again = Assert.Single(servers, s => s.Url == cluster.DataServers[0].UrlText);
        Assert.Equal(instance, again.InstanceId);
        await cluster.WaitUntilAsync(
            async () => (await cluster.DataApi(0).GetStatusAsync(ct)).ServerId == again.Id,
            Timeout, "data-1 to learn its new id", ct);
        Assert.Contains("Registering again", cluster.DataServers[0].Process.ReadLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_server_restarted_empty_registers_with_a_new_instance_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(SmallCluster, ct);
        var id = await cluster.ServerIdAsync(1, ct);
        var before = (await cluster.DataApi(1).GetStatusAsync(ct)).InstanceId;

        await cluster.RestartDataServerAsync(1, empty: true, ct);

        var after = (await cluster.DataApi(1).GetStatusAsync(ct)).InstanceId;
        Assert.NotEqual(before, after);
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetServerAsync(id, ct)).InstanceId == after,
            Timeout, "meta to know data-2's new instance", ct);
        Assert.Contains("came back empty: True", cluster.DataServers[1].Process.ReadLog(), StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
