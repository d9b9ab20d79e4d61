using ReplicaFs.Cli.Tests.Support;

namespace ReplicaFs.Cli.Tests.Unit;

/// <summary>How a command finds its cluster and tokens: the state directory, --meta, the environment.</summary>
public sealed class ClusterLocationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "replicafs-cli-tests", Guid.NewGuid().ToString("N"));

    public ClusterLocationTests() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task A_directory_without_cluster_conf_is_no_cluster_and_says_how_to_name_one()
    {
        var result = await RunAsync(["status"], new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = Path.Combine(_root, "nothing") });

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("No cluster found:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--meta URL", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_directory_whose_cluster_is_not_running_says_so()
    {
        var state = StateDirectory(metaPort: 1, adminToken: "secret");

        var result = await RunAsync(["status", "--state-dir", state], []);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"No local cluster is running from {state}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"./replicafs up --state-dir {state}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_state_directorys_admin_token_is_not_handed_to_another_cluster()
    {
        var state = StateDirectory(metaPort: 1, adminToken: "secret");

        var other = await RunAsync(["corrupt", "/a", "--meta", "http://127.0.0.1:2"], new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = state });

        Assert.Equal(4, other.ExitCode);
        Assert.Contains("corrupt needs the cluster's admin token", other.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_bad_input_with_a_pointer_to_help()
    {
        var result = await RunAsync(["status", "--meta", "ftp://example"], []);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("--meta must be an http:// or https:// URL", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run './replicafs help' or add --help to the command for usage.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_the_commands_as_the_launcher_runs_them()
    {
        var result = await RunAsync(["--help"], []);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("replicafs [command] [options]", result.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "status", "kill", "restore", "corrupt", "scrub", "repair", "events", "fsck", "demo" })
        {
            Assert.Matches($"(?m)^  {command}\\b", result.Stdout);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string StateDirectory(int metaPort, string adminToken)
    {
        var state = Path.Combine(_root, "state");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "cluster.conf"), $"version=1\nmeta_port={metaPort}\ndata_ports=3 4\n");
        File.WriteAllText(Path.Combine(state, "admin-token"), adminToken + "\n");
        return state;
    }

    private Task<CliResult> RunAsync(string[] arguments, Dictionary<string, string> environment) =>
        CliRunner.RunAsync(arguments, environment, _root, TestContext.Current.CancellationToken);
}
