using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ReplicaFs.Testing.Launcher;
using ReplicaFs.Testing.Network;

namespace ReplicaFs.SystemTests.Launcher;

/// <summary>
/// <c>./replicafs up --detach</c>, <c>down</c> and foreground <c>up</c> against real server processes, in a temporary
/// state directory. Ports start at LauncherScript.FirstPort (below the ephemeral range) and move to the next free ones.
/// </summary>
public sealed class LauncherTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(150);
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "replicafs-launcher-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact(Timeout = 600_000)]
    public async Task Up_detach_serves_every_url_refuses_a_second_cluster_and_down_stops_exactly_what_it_started()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            // up: one line per part.
            var up = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--data-servers", "2", "--no-mount"], cancellationToken);
            Assert.True(up.ExitCode == 0, up.ToString());
            var cluster = DetachedCluster.Parse(up.Stdout);
            Assert.Equal(2, cluster.DataServers.Count);
            Assert.Equal(_stateDir, cluster.StateDirectory);
            Assert.Equal(4, cluster.Servers.Append(cluster.Web).Select(s => s.Port).Distinct().Count());
            Assert.All(cluster.Servers.Append(cluster.Web), s => Assert.Equal("127.0.0.1", s.Host));
            foreach (var server in cluster.Servers)
            {
                await AssertAnswersAsync(server, "/healthz", "Healthy", cancellationToken);
                await AssertAnswersAsync(server, "/swagger/index.html", "swagger-ui", cancellationToken);
            }

            // The dashboard answers, and its page loads its own assets.
            await AssertAnswersAsync(cluster.Web, "/healthz", "Healthy", cancellationToken);
            await AssertAnswersAsync(cluster.Web, "/", "blazor.web", cancellationToken);
            await AssertAnswersAsync(cluster.Web, "/_framework/blazor.web.js", "Blazor", cancellationToken);

            await AssertRegisteredAsync(cluster, up.Stderr, cancellationToken);

            // The run record names the supervisor (web) and every server it started, by pid, and they run.
            var processes = RecordedProcess.Read(_stateDir);
            Assert.Equal(["web", "meta", "data-1", "data-2"], processes.Select(p => p.Name));
            Assert.Equal(cluster.Servers.Prepend(cluster.Web), processes.Select(p => p.Url));
            Assert.All(processes, p => Assert.True(p.IsRunning, $"{p.Name} (pid {p.Pid}) is not running"));

            // The admin token is made once, private, and reaches every process through the environment, not the command line.
            var tokenFile = Path.Combine(_stateDir, "admin-token");
            var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
            Assert.Matches("^[0-9a-f]{64}$", token);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            foreach (var process in processes)
            {
                var commandLine = await File.ReadAllTextAsync($"/proc/{process.Pid}/cmdline", cancellationToken);
                Assert.DoesNotContain(token, commandLine, StringComparison.Ordinal);
                if (process.Name != "web")
                {
                    Assert.Contains("--enable-faults", commandLine, StringComparison.Ordinal);
                }

                var environment = await File.ReadAllTextAsync($"/proc/{process.Pid}/environ", cancellationToken);
                Assert.Contains($"REPLICAFS_ADMIN_TOKEN={token}\0", environment, StringComparison.Ordinal);
            }

            // A second cluster on the same state directory is refused, and the first keeps running.
            var second = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--data-servers", "2", "--no-mount"], cancellationToken);
            Assert.True(second.ExitCode != 0, second.ToString());
            Assert.Contains("already running", second.Stderr, StringComparison.Ordinal);
            Assert.Empty(second.Stdout);
            Assert.All(processes, p => Assert.True(p.IsRunning, $"{p.Name} stopped after the refused second up"));

            // down stops exactly those processes (through the supervisor), closes their ports and removes the run record.
            var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(down.ExitCode == 0, down.ToString());
            foreach (var process in processes)
            {
                Assert.Contains($"stopped {process.Name} (pid {process.Pid})", down.Stderr, StringComparison.Ordinal);
                Assert.False(process.IsRunning, $"{process.Name} (pid {process.Pid}) still runs after down");
                await AssertClosedAsync(process.Url, cancellationToken);
            }

            Assert.False(File.Exists(Path.Combine(_stateDir, "run")), "the run record is still there after down");

            // down again is harmless.
            var downAgain = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(downAgain.ExitCode == 0, downAgain.ToString());
            Assert.Contains("Nothing is running", downAgain.Stderr, StringComparison.Ordinal);

            // up again reuses the state directory: same ports (data servers are known to meta by URL), same token.
            var again = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--no-mount"], cancellationToken);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("Reusing the cluster", again.Stderr, StringComparison.Ordinal);
            var reused = DetachedCluster.Parse(again.Stdout);
            Assert.Equal(cluster.Servers, reused.Servers);
            Assert.Equal(cluster.Web, reused.Web);
            Assert.Equal(token, (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim());
            foreach (var server in reused.Servers)
            {
                await AssertAnswersAsync(server, "/healthz", "Healthy", cancellationToken);
            }

            var restarted = RecordedProcess.Read(_stateDir);
            Assert.Empty(restarted.Select(p => p.Pid).Intersect(processes.Select(p => p.Pid)));

            var finalDown = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(finalDown.ExitCode == 0, finalDown.ToString());
            Assert.All(restarted, p => Assert.False(p.IsRunning, $"{p.Name} still runs after down"));
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Foreground_up_prints_the_urls_and_stops_every_server_on_SIGTERM()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            using var launcher = LauncherScript.Start(["up", "--state-dir", _stateDir, "--data-servers", "1", "--no-mount"]);
            var stderr = launcher.StandardError.ReadToEndAsync(cancellationToken);
            var banner = await LauncherScript.ReadBannerAsync(launcher, CommandTimeout, cancellationToken);

            var text = string.Join('\n', banner);
            Assert.True(banner.Count > 0 && banner[^1].StartsWith("Press Ctrl+C", StringComparison.Ordinal), text + await ReadIfExitedAsync(launcher, stderr));
            var processes = RecordedProcess.Read(_stateDir);
            Assert.Equal(["web", "meta", "data-1"], processes.Select(p => p.Name));
            foreach (var process in processes)
            {
                var url = process.Url.ToString().TrimEnd('/');
                Assert.Contains(banner, line => line.StartsWith($"  {process.Name} ", StringComparison.Ordinal)
                    && line.Contains(url, StringComparison.Ordinal)
                    && line.Contains(process.Name == "web" ? "dashboard" : $"{url}/swagger", StringComparison.Ordinal));
                await AssertAnswersAsync(process.Url, "/healthz", "Healthy", cancellationToken);
            }

            await SignalAsync(launcher.Id, "TERM", cancellationToken);
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(CommandTimeout);
                await launcher.WaitForExitAsync(deadline.Token);
            }

            var log = await stderr;
            output.WriteLine(log);
            Assert.Equal(0, launcher.ExitCode);
            Assert.Contains("Stopped.", log, StringComparison.Ordinal);
            foreach (var process in processes)
            {
                Assert.False(process.IsRunning, $"{process.Name} still runs after the launcher stopped");
                await AssertClosedAsync(process.Url, cancellationToken);
            }

            Assert.False(File.Exists(Path.Combine(_stateDir, "run")), "the run record is still there");
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Kill_and_restore_go_through_the_supervisor_by_name_or_url()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            var up = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--data-servers", "2", "--no-mount"], cancellationToken);
            Assert.True(up.ExitCode == 0, up.ToString());
            var cluster = DetachedCluster.Parse(up.Stdout);
            var before = RecordedProcess.Read(_stateDir).Single(p => p.Name == "data-2");

            var kill = await Launcher(["kill", "data-2", "--state-dir", _stateDir], cancellationToken);
            Assert.True(kill.ExitCode == 0, kill.ToString());
            Assert.Contains($"Killed data-2 (pid {before.Pid}) with SIGKILL", kill.Stdout, StringComparison.Ordinal);
            Assert.False(before.IsRunning, "data-2 still runs after kill");
            await AssertClosedAsync(cluster.DataServers[1], cancellationToken);

            Assert.Contains("data-2 is Down at the metadata server", kill.Stdout, StringComparison.Ordinal);

            // The operator CLI's exit codes (docs/cli.md): 4 = refused or bad input, nothing changed.
            var again = await Launcher(["kill", "data-2", "--state-dir", _stateDir], cancellationToken);
            Assert.Equal(4, again.ExitCode);
            Assert.Contains("HTTP 409", again.Stderr, StringComparison.Ordinal);
            Assert.Contains("data-2 is not running", again.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", again.Stderr, StringComparison.Ordinal);

            var meta = await Launcher(["kill", "meta", "--state-dir", _stateDir], cancellationToken);
            Assert.Equal(4, meta.ExitCode);
            Assert.Contains("No data server is named 'meta'", meta.Stderr, StringComparison.Ordinal);
            var unknown = await Launcher(["restore", "http://127.0.0.1:1", "--state-dir", _stateDir], cancellationToken);
            Assert.Equal(4, unknown.ExitCode);
            Assert.Contains("No data server is named 'http://127.0.0.1:1' or listens at it", unknown.Stderr, StringComparison.Ordinal);

            // Restore by URL: the same port, a new process, recorded so that down stops it.
            var restore = await Launcher(["restore", cluster.DataServers[1].ToString(), "--state-dir", _stateDir], cancellationToken);
            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Contains("with an empty data directory", restore.Stdout, StringComparison.Ordinal);
            Assert.Contains("data-2 is Up again", restore.Stdout, StringComparison.Ordinal);
            var after = RecordedProcess.Read(_stateDir).Single(p => p.Name == "data-2");
            Assert.NotEqual(before.Pid, after.Pid);
            Assert.True(after.IsRunning);
            await AssertAnswersAsync(cluster.DataServers[1], "/healthz", "Healthy", cancellationToken);

            var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Contains($"stopped data-2 (pid {after.Pid})", down.Stderr, StringComparison.Ordinal);
            Assert.False(after.IsRunning);

            var none = await Launcher(["kill", "data-1", "--state-dir", _stateDir], cancellationToken);
            Assert.Equal(3, none.ExitCode);
            Assert.Contains("No local cluster is running from", none.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task The_supervisor_stops_the_cluster_on_SIGTERM_and_down_falls_back_to_the_run_record_when_it_is_gone()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            // SIGTERM to the supervisor itself: it stops data servers then meta, and removes the run record.
            var up = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--data-servers", "1", "--no-mount"], cancellationToken);
            Assert.True(up.ExitCode == 0, up.ToString());
            var processes = RecordedProcess.Read(_stateDir);
            var web = processes.Single(p => p.Name == "web");
            await SignalAsync(web.Pid, "TERM", cancellationToken);
            await WaitUntilAsync(() => processes.All(p => !p.IsRunning), TimeSpan.FromSeconds(60), "every process to stop after SIGTERM to the supervisor", cancellationToken);
            Assert.False(File.Exists(Path.Combine(_stateDir, "run")), "the supervisor left the run record behind");
            var webLog = await File.ReadAllTextAsync(Path.Combine(_stateDir, "logs", "web.log"), cancellationToken);
            Assert.Contains("Stopped the cluster.", webLog, StringComparison.Ordinal);
            var nothing = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.Contains("Nothing is running", nothing.Stderr, StringComparison.Ordinal);

            // SIGKILL to the supervisor: its children keep running, and down stops them from the run record.
            var again = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--no-mount"], cancellationToken);
            Assert.True(again.ExitCode == 0, again.ToString());
            var second = RecordedProcess.Read(_stateDir);
            var supervisor = second.Single(p => p.Name == "web");
            await SignalAsync(supervisor.Pid, "KILL", cancellationToken);
            await WaitUntilAsync(() => !supervisor.IsRunning, TimeSpan.FromSeconds(10), "the supervisor to die", cancellationToken);
            Assert.All(second.Where(p => p.Name != "web"), p => Assert.True(p.IsRunning, $"{p.Name} died with the supervisor"));

            var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Contains($"web (pid {supervisor.Pid}) was not running", down.Stderr, StringComparison.Ordinal);
            foreach (var process in second.Where(p => p.Name != "web"))
            {
                Assert.Contains($"stopped {process.Name} (pid {process.Pid})", down.Stderr, StringComparison.Ordinal);
                Assert.False(process.IsRunning, $"{process.Name} still runs after down");
            }
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task A_dashboard_port_taken_between_planning_and_binding_is_replaced_and_the_cluster_starts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;

        // A socket bound to the planned dashboard port but not listening: planning (which looks for listeners) sees the
        // port free, the dashboard cannot bind it. This is what an outgoing connection given that port by the kernel does.
        const int FirstPort = LauncherScript.FirstPort + 4000;
        const int PlannedWebPort = FirstPort + 46;
        using var squatter = BoundPort.Bind(PlannedWebPort);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["REPLICAFS_FIRST_PORT"] = $"{FirstPort}" };
        try
        {
            var up = await LauncherScript.RunAsync(
                ["up", "--detach", "--state-dir", _stateDir, "--data-servers", "1", "--no-mount"], CommandTimeout, environment, cancellationToken);
            output.WriteLine(up.ToString());
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains($"the dashboard's port {PlannedWebPort} was taken before the dashboard could listen on it; using another", up.Stderr, StringComparison.Ordinal);

            var cluster = DetachedCluster.Parse(up.Stdout);
            Assert.NotEqual(PlannedWebPort, cluster.Web.Port);
            await AssertAnswersAsync(cluster.Web, "/healthz", "Healthy", cancellationToken);
            await AssertRegisteredAsync(cluster, up.Stderr, cancellationToken);

            // Exactly one of each runs (the failed dashboard left nothing behind), and the new port is the recorded one.
            var processes = RecordedProcess.Read(_stateDir);
            Assert.Equal(["web", "meta", "data-1"], processes.Select(p => p.Name));
            Assert.All(processes, p => Assert.True(p.IsRunning, $"{p.Name} (pid {p.Pid}) is not running"));
            Assert.Equal(cluster.Web, processes[0].Url);

            var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.All(processes, p => Assert.False(p.IsRunning, $"{p.Name} still runs after down"));
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Down_when_nothing_runs_is_harmless()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Nothing is running", down.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_stateDir), "down created the state directory");
    }

    [Fact(Timeout = 120_000)]
    public async Task Up_refuses_a_directory_that_is_not_a_state_directory_and_leaves_it_alone()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_stateDir);
        var precious = Path.Combine(_stateDir, "precious.txt");
        await File.WriteAllTextAsync(precious, "keep me", cancellationToken);

        var up = await Launcher(["up", "--detach", "--fresh", "--state-dir", _stateDir], cancellationToken);

        Assert.True(up.ExitCode != 0, up.ToString());
        Assert.Contains("not a ReplicaFs state directory", up.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(precious, cancellationToken));
        Assert.Equal([precious], Directory.GetFileSystemEntries(_stateDir));
    }

    [Theory(Timeout = 120_000)]
    [InlineData("--replicas 3 --data-servers 2", "needs at least 3 data servers")]
    [InlineData("--data-servers 0", "--data-servers must be a number from 1 to 64")]
    [InlineData("--chunk-size lots", "--chunk-size must be a byte count")]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("--state-dir", "--state-dir needs a value")]
    public async Task Up_rejects_bad_options_without_starting_anything(string options, string message)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        string[] stateDir = options.Contains("--state-dir", StringComparison.Ordinal) ? [] : ["--state-dir", _stateDir];
        var up = await Launcher(["up", "--detach", .. options.Split(' '), .. stateDir], cancellationToken);

        Assert.Equal(2, up.ExitCode);
        Assert.Contains(message, up.Stderr, StringComparison.Ordinal);
        Assert.Empty(up.Stdout);
        Assert.Empty(RecordedProcess.Read(_stateDir));
    }

    [Fact(Timeout = 60_000)]
    public async Task Help_lists_every_command_and_unknown_commands_fail()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var help = await Launcher(["help"], cancellationToken);
        var bare = await Launcher([], cancellationToken);
        var unknown = await Launcher(["frobnicate"], cancellationToken);

        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "up", "down", "status", "kill", "restore", "corrupt", "scrub", "repair", "events", "fsck", "test", "meta", "data", "mount", "demo", "help" })
        {
            Assert.Matches($"(?m)^  {command} ", help.Stdout);
        }

        Assert.Equal(help.Stdout, bare.Stdout);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown command 'frobnicate'", unknown.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private async Task<LauncherResult> Launcher(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await LauncherScript.RunAsync(arguments, CommandTimeout, cancellationToken);
        output.WriteLine(result.ToString());
        return result;
    }

    private async Task AssertAnswersAsync(Uri server, string path, string expectedText, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(server, path), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {server}{path.TrimStart('/')} -> {(int)response.StatusCode}: {body}");
        Assert.Contains(expectedText, body, StringComparison.Ordinal);
    }

    /// <summary>up returns only once meta lists every data server Up.</summary>
    private async Task AssertRegisteredAsync(DetachedCluster cluster, string launcherLog, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(cluster.Meta, "/api/cluster/servers"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, body + "\n" + launcherLog);
        using var servers = JsonDocument.Parse(body);
        foreach (var data in cluster.DataServers)
        {
            var url = data.ToString().TrimEnd('/');
            Assert.Contains(servers.RootElement.EnumerateArray(), s =>
                s.GetProperty("url").GetString() == url && s.GetProperty("state").GetString() is "Up" or "Rebuilding");
        }
    }

    private static async Task AssertClosedAsync(Uri server, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        var error = await Record.ExceptionAsync(() => client.ConnectAsync(server.Host, server.Port, cancellationToken).AsTask());
        Assert.True(error is SocketException { SocketErrorCode: SocketError.ConnectionRefused }, $"{server} still accepts connections ({error?.Message ?? "connected"})");
    }

    private static async Task SignalAsync(int pid, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string> ReadIfExitedAsync(Process launcher, Task<string> stderr) =>
        launcher.HasExited ? $"\nlauncher exited with {launcher.ExitCode}:\n{await stderr}" : "\n(launcher still running)";

    /// <summary>Stops whatever a failed test left running: through down first, then by pid.</summary>
    private async Task CleanUpAsync()
    {
        var leftovers = RecordedProcess.Read(_stateDir);
        if (leftovers.Count == 0)
        {
            return;
        }

        try
        {
            await LauncherScript.RunAsync(["down", "--state-dir", _stateDir], CommandTimeout, CancellationToken.None);
        }
        catch (TimeoutException ex)
        {
            output.WriteLine(ex.Message);
        }

        foreach (var process in leftovers.Where(p => p.IsRunning))
        {
            output.WriteLine($"killing leftover {process.Name} (pid {process.Pid})");
            try
            {
                using var leftover = Process.GetProcessById(process.Pid);
                leftover.Kill();
            }
            catch (ArgumentException)
            {
                // Gone in the meantime.
            }
        }
    }
}
