using System.Text.Json;
using ReplicaFs.Cli.Tests.Support;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Tests;

/// <summary><c>status</c>: text and JSON, and the exit code following the health (0 healthy, 1 degraded, 2 unavailable).</summary>
public sealed class StatusCommandTests(CliClusterFixture fixture) : IClassFixture<CliClusterFixture>
{
    private readonly CliCluster _cli = fixture.Cli;

    [Fact]
    public async Task A_healthy_cluster_is_HEALTHY_with_every_server_up_and_exit_code_0()
    {
        await using (var client = await _cli.ConnectAsync())
        {
            await CliCluster.WriteFileAsync(client, "/status/healthy.bin", CliCluster.Bytes(300_000, 1));
        }

        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        // The chunk counts come with the heartbeats, one interval after the write.
        await _cli.Cluster.WaitUntilAsync(
            async () => (await _cli.Cluster.MetaApi.GetServersAsync(TestContext.Current.CancellationToken)).All(s => s.Stats.ChunkCount > 0),
            TimeSpan.FromSeconds(30), "every data server to report its chunks", TestContext.Current.CancellationToken);
        var status = await _cli.RunAsync("status");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Health: HEALTHY", status.Stdout, StringComparison.Ordinal);
        foreach (var server in _cli.Cluster.DataServers)
        {
            Assert.Matches($@"(?m)^  {server.Name}\s+{server.UrlText}\s+Up\s+[1-9]", status.Stdout);
        }

        Assert.Contains("Data servers: 3 of 3 up", status.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Chunks: 0 under-replicated, 0 without a valid copy", status.Stdout);
        Assert.Matches(@"0 stale, 0 corrupt, 0 missing, 0 rebuilding", status.Stdout);
        Assert.Empty(status.Stderr);
    }

    [Fact]
    public async Task Json_carries_the_status_the_servers_and_the_counts_for_scripts()
    {
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        var status = await _cli.RunAsync("status", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.Stdout);
        var root = json.RootElement;
        Assert.Equal("Healthy", root.GetProperty("status").GetString());
        Assert.Equal(0, root.GetProperty("reasons").GetArrayLength());
        Assert.Equal(3, root.GetProperty("config").GetProperty("replicas").GetInt32());
        Assert.Equal(3, root.GetProperty("health").GetProperty("serversUp").GetInt32());
        Assert.Equal(0, root.GetProperty("health").GetProperty("underReplicatedChunks").GetInt64());
        var servers = root.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(["data-1", "data-2", "data-3"], servers.Select(s => s.GetProperty("name").GetString()));
        Assert.All(servers, s => Assert.Equal("Up", s.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_server_down_makes_it_DEGRADED_and_two_down_UNAVAILABLE_with_the_reasons_then_HEALTHY_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await _cli.ConnectAsync("status test client");
        await CliCluster.WriteFileAsync(client, "/status/degraded.bin", CliCluster.Bytes(600_000, 2));
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);

        await _cli.Cluster.KillDataServerAsync(2);
        await _cli.WaitForServerAsync("data-3", ServerState.Down);
        var degraded = await _cli.RunAsync("status");
        Assert.True(degraded.ExitCode == 1, degraded.ToString());
        Assert.Contains("Health: DEGRADED", degraded.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  - .*data-3", degraded.Stdout);
        Assert.Matches(@"(?m)^  data-3\s+\S+\s+Down\s", degraded.Stdout);
        Assert.Matches(@"Chunks: [1-9]\d* under-replicated", degraded.Stdout);

        // With two of three replicas gone, a client that reads with Qr=2 cannot read: unavailable.
        await _cli.Cluster.KillDataServerAsync(1);
        await _cli.WaitForServerAsync("data-2", ServerState.Down);
        var unavailable = await _cli.RunAsync("status", "--json");
        Assert.True(unavailable.ExitCode == 2, unavailable.ToString());
        using (var json = JsonDocument.Parse(unavailable.Stdout))
        {
            Assert.Equal("Unavailable", json.RootElement.GetProperty("status").GetString());
            Assert.NotEqual(0, json.RootElement.GetProperty("reasons").GetArrayLength());
        }

        await _cli.Cluster.StartDataServerAsync(1, cancellationToken: ct);
        await _cli.Cluster.StartDataServerAsync(2, cancellationToken: ct);
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        var healthy = await _cli.RunAsync("status");
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
    }

    [Fact]
    public async Task A_metadata_server_that_does_not_answer_is_UNAVAILABLE_with_exit_code_2_and_no_stack_trace()
    {
        var status = await CliRunner.RunAsync(
            ["status", "--meta", "http://127.0.0.1:1"],
            new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = _cli.NoStateDirectory },
            _cli.Cluster.RootDirectory,
            TestContext.Current.CancellationToken);

        Assert.Equal(2, status.ExitCode);
        Assert.Contains("Health: UNAVAILABLE", status.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  - .*127\.0\.0\.1:1", status.Stdout);
        Assert.DoesNotContain("   at ", status.Stdout + status.Stderr, StringComparison.Ordinal);
    }
}
