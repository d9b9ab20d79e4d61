using System.Net;
using System.Net.Sockets;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Tests.Supervision;

/// <summary>
/// The supervisor as <c>./replicafs up</c> runs it, with real meta and data server processes: start-up, the run
/// record, the REST API and its token, SIGKILL and restore, a child that dies on its own, and the clean stop.
/// </summary>
[Collection(RealClusters.Name)]
public sealed class SupervisorProcessTests(ITestOutputHelper output)
{
    [Fact(Timeout = 600_000)]
    public async Task The_supervisor_starts_the_cluster_kills_and_restores_reports_a_crash_and_stops_cleanly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = SupervisedCluster.Start();
        try
        {
            Assert.True(await cluster.WaitForStartupAsync(cancellationToken), cluster.ReadLog());
            await StartUpAsync(cluster, cancellationToken);
            await TokenAsync(cluster, cancellationToken);
            await KillAndRestoreAsync(cluster, cancellationToken);
            await ExitOnItsOwnAsync(cluster, cancellationToken);
            await CleanStopAsync(cluster);
        }
        finally
        {
            output.WriteLine(cluster.ReadLog());
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_server_that_cannot_start_fails_the_start_up_with_its_reason_and_nothing_is_left_running()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Something else already listens on meta's port: meta exits at once.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        await using var cluster = SupervisedCluster.Start(dataServers: 1, replicas: 1, metaPort: ((IPEndPoint)squatter.LocalEndpoint).Port);

        Assert.False(await cluster.WaitForStartupAsync(cancellationToken), cluster.ReadLog());
        await cluster.Process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        output.WriteLine(cluster.ReadLog());
        var failed = await File.ReadAllLinesAsync(Path.Combine(cluster.StateDirectory, StartupReport.FailedFile), cancellationToken);
        Assert.Equal("process meta", failed[0]);
        Assert.Contains("meta exited during start-up", failed[1], StringComparison.Ordinal);
        Assert.Equal(1, cluster.Process.ExitCode);
        Assert.False(File.Exists(Path.Combine(cluster.StateDirectory, StartupReport.ReadyFile)));
        Assert.Contains("cannot listen", await File.ReadAllTextAsync(Path.Combine(cluster.StateDirectory, "logs", "meta.log"), cancellationToken), StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.RunRecord(), p => SupervisedCluster.IsRunning(p.Value.Pid));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_configured_mount_without_a_fuse_client_is_reported_unavailable_and_the_cluster_runs_without_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mountDirectory = Path.Combine(Path.GetTempPath(), "replicafs-web-tests", "mount-" + Guid.NewGuid().ToString("N")[..12]);
        // No --fuse on the supervisor's command line: the mount cannot be started.
        await using var cluster = SupervisedCluster.Start(dataServers: 1, replicas: 1, extraConf: $"mount_dir={mountDirectory}\nread_quorum=1\nwrite_quorum=1");
        try
        {
            Assert.True(await cluster.WaitForStartupAsync(cancellationToken), cluster.ReadLog());
            var ready = await File.ReadAllLinesAsync(Path.Combine(cluster.StateDirectory, StartupReport.ReadyFile), cancellationToken);
            Assert.Equal(
                [$"meta {Text(cluster.MetaUrl)}", $"data {Text(cluster.DataUrls[0])}", $"web {Text(cluster.WebUrl)}", $"warning the file system was not mounted at {mountDirectory}: the launcher gave no FUSE client (--fuse)"],
                ready);

            var processes = await cluster.ProcessesAsync(cancellationToken);
            var mount = Assert.Single(processes, p => p.Name == "mount");
            Assert.Equal(ProcessState.Unavailable, mount.State);
            Assert.Null(mount.Pid);
            Assert.Equal("the launcher gave no FUSE client (--fuse)", mount.Detail);
            Assert.All(processes.Where(p => p.Name != "mount"), p => Assert.Equal(ProcessState.Running, p.State));
            Assert.False(Directory.Exists(mountDirectory), "the mount point was created although nothing was mounted");
        }
        finally
        {
            output.WriteLine(cluster.ReadLog());
        }
    }

    private static async Task StartUpAsync(SupervisedCluster cluster, CancellationToken cancellationToken)
    {
        // The ready file holds the lines './replicafs up --detach' prints.
        var ready = await File.ReadAllLinesAsync(Path.Combine(cluster.StateDirectory, StartupReport.ReadyFile), cancellationToken);
        Assert.Equal(
            [$"meta {Text(cluster.MetaUrl)}", .. cluster.DataUrls.Select(u => $"data {Text(u)}"), $"web {Text(cluster.WebUrl)}"],
            ready);

        // The run record is in the launcher's format: web first, then every child, each a live ReplicaFs process.
        var record = cluster.RunRecord();
        Assert.Equal(["web", "meta", "data-1", "data-2", "data-3"], record.Keys);
        Assert.Equal(cluster.Process.Id, record["web"].Pid);
        foreach (var (name, (pid, ticks, url)) in record)
        {
            Assert.True(SupervisedCluster.IsRunning(pid), $"{name} (pid {pid}) is not running");
            Assert.Equal(ticks, ProcStat.StartTicks(pid));
            var commandLine = await File.ReadAllTextAsync($"/proc/{pid}/cmdline", cancellationToken);
            Assert.Contains("ReplicaFs.", commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain(SupervisedCluster.Token, commandLine, StringComparison.Ordinal);
            if (name != "web")
            {
                Assert.Contains($"===== ", await File.ReadAllTextAsync(Path.Combine(cluster.StateDirectory, "logs", name + ".log"), cancellationToken), StringComparison.Ordinal);
                Assert.Contains("--enable-faults", commandLine, StringComparison.Ordinal);
            }
        }

        Assert.Equal(Text(cluster.MetaUrl), record["meta"].Url);
        // Readiness means every data server is Up at meta.
        var servers = await Meta(cluster).GetServersAsync(cancellationToken);
        Assert.All(cluster.DataUrls, url => Assert.Contains(servers, s => s.Url == Text(url) && s.State is ServerState.Up or ServerState.Rebuilding));
        Assert.All(await cluster.ProcessesAsync(cancellationToken), p => Assert.Equal(ProcessState.Running, p.State));
    }

    private static async Task TokenAsync(SupervisedCluster cluster, CancellationToken cancellationToken)
    {
        using var none = await cluster.SendAsync(HttpMethod.Get, "/api/supervisor/processes", cancellationToken, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using var wrong = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-1/kill", cancellationToken, token: "wrong");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ProcessState.Running, (await cluster.ProcessAsync("data-1", cancellationToken)).State);
    }

    private static async Task KillAndRestoreAsync(SupervisedCluster cluster, CancellationToken cancellationToken)
    {
        var before = await cluster.ProcessAsync("data-2", cancellationToken);
        var data2 = RestService.For<IDataServerApi>(new HttpClient { BaseAddress = cluster.DataUrls[1] });
        var instanceBefore = (await data2.GetStatusAsync(cancellationToken)).InstanceId;

        using var kill = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-2/kill", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        var killed = await SupervisedCluster.ReadResultAsync(kill, cancellationToken);
        Assert.Contains("SIGKILL", killed.Message, StringComparison.Ordinal);
        Assert.Equal(ProcessState.Killed, killed.Process.State);
        Assert.Equal(137, killed.Process.ExitCode);
        Assert.False(SupervisedCluster.IsRunning(before.Pid!.Value), "the killed process still runs");

        // It stays dead: no automatic restart.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        Assert.Equal(ProcessState.Killed, (await cluster.ProcessAsync("data-2", cancellationToken)).State);
        await AssertClosedAsync(cluster.DataUrls[1], cancellationToken);

        using var again = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-2/kill", cancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var meta = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/meta/kill", cancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, meta.StatusCode);
        using var unknown = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-9/restore", cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var running = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-1/restore", cancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);

        // Another program took the killed server's port: restore refuses, says why, and keeps the data directory.
        var dataDirectory = Path.Combine(cluster.StateDirectory, "data-2");
        var kept = Directory.GetFileSystemEntries(dataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        using (var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, cluster.DataUrls[1].Port))
        {
            squatter.Start();
            using var blocked = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-2/restore", cancellationToken);
            Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
            Assert.Contains($"Port {cluster.DataUrls[1].Port} of data-2 is in use by another program", await blocked.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
            Assert.Equal(ProcessState.Killed, (await cluster.ProcessAsync("data-2", cancellationToken)).State);
            Assert.Equal(kept, Directory.GetFileSystemEntries(dataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        }

        // Restore: the same port, an empty data directory (a new instance id), a new process in the run record.
        using var restore = await cluster.SendAsync(HttpMethod.Post, "/api/supervisor/processes/data-2/restore", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var restored = await SupervisedCluster.ReadResultAsync(restore, cancellationToken);
        Assert.Equal(ProcessState.Running, restored.Process.State);
        Assert.NotEqual(before.Pid, restored.Process.Pid);
        Assert.Equal(restored.Process.Pid, cluster.RunRecord()["data-2"].Pid);
        Assert.NotEqual(instanceBefore, (await data2.GetStatusAsync(cancellationToken)).InstanceId);
        Assert.Contains("empty data directory", restored.Message, StringComparison.Ordinal);

        // Both actions are in the cluster's event log, about that server.
        var events = await WaitForEventsAsync(cluster, "process.", 2, cancellationToken);
        Assert.Equal(["process.killed", "process.restored"], events.Select(e => e.Kind).Take(2));
        Assert.All(events, e => Assert.Equal(SupervisorEventSource, e.Source));
    }

    private static async Task ExitOnItsOwnAsync(SupervisedCluster cluster, CancellationToken cancellationToken)
    {
        // Killed from outside the supervisor: as if it crashed.
        var victim = await cluster.ProcessAsync("data-3", cancellationToken);
        System.Diagnostics.Process.GetProcessById(victim.Pid!.Value).Kill();

        var exited = await WaitForAsync(cluster, "data-3", p => p.State == ProcessState.Exited, cancellationToken);
        Assert.Equal(137, exited.ExitCode);
        Assert.Contains("not restarted", exited.Detail, StringComparison.Ordinal);
        var events = await WaitForEventsAsync(cluster, "process.exited", 1, cancellationToken);
        Assert.Contains("data-3", events[0].Message, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        Assert.Equal(ProcessState.Exited, (await cluster.ProcessAsync("data-3", cancellationToken)).State);
    }

    private static async Task CleanStopAsync(SupervisedCluster cluster)
    {
        var record = cluster.RunRecord();
        Assert.True(await cluster.TerminateAsync(TimeSpan.FromSeconds(60)), "the supervisor did not stop within 60 s of SIGTERM");

        Assert.Equal(0, cluster.Process.ExitCode);
        Assert.All(record, p => Assert.False(SupervisedCluster.IsRunning(p.Value.Pid), $"{p.Key} still runs"));
        Assert.False(File.Exists(Path.Combine(cluster.StateDirectory, RunRecord.FileName)), "the run record is still there");
        Assert.False(File.Exists(Path.Combine(cluster.StateDirectory, StartupReport.ReadyFile)), "the ready file is still there");
        var log = cluster.ReadLog();
        Assert.Contains("Stopped the cluster.", log, StringComparison.Ordinal);
        // Data servers stop before meta.
        var dataStopped = log.IndexOf($"data-1 (pid {record["data-1"].Pid}) stopped.", StringComparison.Ordinal);
        var metaStopped = log.IndexOf($"meta (pid {record["meta"].Pid}) stopped.", StringComparison.Ordinal);
        Assert.True(dataStopped > 0 && metaStopped > dataStopped, log);
    }

    private const string SupervisorEventSource = ClusterSupervisor.EventSource;

    private static IMetadataApi Meta(SupervisedCluster cluster) =>
        RestService.For<IMetadataApi>(new HttpClient { BaseAddress = cluster.MetaUrl, Timeout = TimeSpan.FromSeconds(30) });

    private static string Text(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private static async Task<IReadOnlyList<Contracts.Events.ClusterEvent>> WaitForEventsAsync(SupervisedCluster cluster, string kind, int count, CancellationToken cancellationToken)
    {
        var meta = Meta(cluster);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await meta.GetEventsAsync(0, 1000, kind, cancellationToken);
            if (page.Events.Count >= count)
            {
                return page.Events;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"fewer than {count} '{kind}' events after 10 s");
    }

    private static async Task<SupervisedProcessInfo> WaitForAsync(SupervisedCluster cluster, string name, Func<SupervisedProcessInfo, bool> condition, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var process = await cluster.ProcessAsync(name, cancellationToken);
            if (condition(process))
            {
                return process;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{name} did not reach the expected state within 10 s");
    }

    private static async Task AssertClosedAsync(Uri server, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        var error = await Record.ExceptionAsync(() => client.ConnectAsync(server.Host, server.Port, cancellationToken).AsTask());
        Assert.True(error is SocketException { SocketErrorCode: SocketError.ConnectionRefused }, $"{server} still accepts connections");
    }
}

/// <summary>Tests that start whole clusters run one at a time (the machine is small).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClusters
{
    public const string Name = "Real clusters";
}
