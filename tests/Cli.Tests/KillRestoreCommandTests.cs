using ReplicaFs.Cli.Tests.Support;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Tests;

/// <summary>
/// <c>kill</c> and <c>restore</c> on a cluster that no local supervisor runs: the crash and restore fault endpoints
/// with the admin token. (The supervisor's SIGKILL path is covered by the launcher tests in SystemTests.)
/// </summary>
public sealed class KillRestoreCommandTests(CliClusterFixture fixture) : IClassFixture<CliClusterFixture>
{
    private readonly CliCluster _cli = fixture.Cli;

    [Fact]
    public async Task Kill_crashes_a_server_by_name_and_restore_brings_it_back_empty_rebuilt_and_verified()
    {
        await using (var client = await _cli.ConnectAsync())
        {
            await CliCluster.WriteFileAsync(client, "/kill/one.bin", CliCluster.Bytes(1_000_000, 11));
            await CliCluster.WriteFileAsync(client, "/kill/two.bin", CliCluster.Bytes(70_000, 12));
        }

        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        var url = _cli.Cluster.DataServers[1].UrlText;

        var kill = await _cli.RunAsync("kill", "data-2");
        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Contains($"Crashed data-2 ({url}) (fault injection): it dropped its", kill.Stdout, StringComparison.Ordinal);
        Assert.Contains("data-2 is Crashed at the metadata server", kill.Stdout, StringComparison.Ordinal);
        Assert.Contains("./replicafs restore data-2", kill.Stdout, StringComparison.Ordinal);
        var status = await _cli.RunAsync("status");
        Assert.Equal(1, status.ExitCode);
        Assert.Matches(@"(?m)^  data-2\s+\S+\s+Crashed\s", status.Stdout);

        var again = await _cli.RunAsync("kill", "data-2");
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("data-2", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("is already Crashed", again.Stderr, StringComparison.Ordinal);

        var restore = await _cli.RunAsync("restore", "data-2");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"Restored data-2 ({url})", restore.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"data-2 is Up again after .*: rebuilt [1-9]\d* replicas \(.*\) from its peers, each verified against its committed checksum\.", restore.Stdout);
        Assert.Contains("data-2", restore.Stderr, StringComparison.Ordinal);

        var fsck = await _cli.RunAsync("fsck");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
    }

    [Fact]
    public async Task Servers_are_named_by_url_or_host_and_port_and_no_wait_returns_at_once()
    {
        var server = _cli.Cluster.DataServers[2];
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);

        var kill = await _cli.RunAsync("kill", server.UrlText + "/", "--no-wait");
        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Contains("Crashed data-3", kill.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("at the metadata server", kill.Stdout, StringComparison.Ordinal);
        await _cli.WaitForServerAsync("data-3", ServerState.Crashed);

        var restore = await _cli.RunAsync("restore", $"127.0.0.1:{server.Port}");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("data-3 is Up again", restore.Stdout, StringComparison.Ordinal);
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
    }

    [Theory]
    [InlineData("kill", "0", "--timeout must be between 1 and 86400 seconds.")]
    [InlineData("restore", "86401", "--timeout must be between 1 and 86400 seconds.")]
    [InlineData("scrub", "-5", "--timeout must be between 1 and 86400 seconds.")]
    [InlineData("kill", "soon", "soon")]
    public async Task A_bad_timeout_is_refused_with_exit_code_4_before_anything_is_done(string command, string timeout, string message)
    {
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        string[] arguments = command == "scrub" ? [command, "--timeout", timeout] : [command, "data-1", "--timeout", timeout];
        var before = await States();

        var refused = await _cli.RunAsync(arguments);

        Assert.Equal(4, refused.ExitCode);
        Assert.Contains(message, refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
        Assert.Empty(refused.Stdout);
        Assert.Equal(before, await States());

        async Task<List<(string, ServerState, string)>> States() =>
            [.. (await _cli.Cluster.MetaApi.GetServersAsync(TestContext.Current.CancellationToken)).Select(s => (s.Name, s.State, s.InstanceId))];
    }

    [Fact]
    public async Task Unknown_servers_a_missing_admin_token_and_a_server_that_is_up_are_refused_with_exit_code_4()
    {
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);

        var unknown = await _cli.RunAsync("kill", "data-9");
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("No data server is named 'data-9' or listens at it. The metadata server knows: data-1 (", unknown.Stderr, StringComparison.Ordinal);

        var noToken = await _cli.RunAsync(["kill", "data-1"], withAdminToken: false);
        Assert.Equal(4, noToken.ExitCode);
        Assert.Contains("kill needs the cluster's admin token", noToken.Stderr, StringComparison.Ordinal);
        Assert.Contains("REPLICAFS_ADMIN_TOKEN", noToken.Stderr, StringComparison.Ordinal);

        var wrongToken = await CliRunner.RunAsync(
            ["kill", "data-1", "--meta", _cli.Cluster.MetaUrl.ToString()],
            new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = _cli.NoStateDirectory, ["REPLICAFS_ADMIN_TOKEN"] = "not-the-token" },
            _cli.Cluster.RootDirectory,
            TestContext.Current.CancellationToken);
        Assert.Equal(4, wrongToken.ExitCode);
        Assert.Contains("refused the admin token (crash): it is not this cluster's token", wrongToken.Stderr, StringComparison.Ordinal);

        var notCrashed = await _cli.RunAsync("restore", "data-1");
        Assert.Equal(4, notCrashed.ExitCode);
        Assert.Contains("HTTP 409", notCrashed.Stderr, StringComparison.Ordinal);

        foreach (var refused in new[] { unknown, noToken, wrongToken, notCrashed })
        {
            Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
            Assert.StartsWith("replicafs: error: ", refused.Stderr, StringComparison.Ordinal);
        }

        // Nothing was changed by any of them.
        var servers = await _cli.Cluster.MetaApi.GetServersAsync(TestContext.Current.CancellationToken);
        Assert.All(servers, s => Assert.Equal(ServerState.Up, s.State));
    }
}
