using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReplicaFs.Testing;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Tests.Supervision;

/// <summary>
/// <c>ReplicaFs.Web supervise</c> as the launcher starts it: a real process with a state directory holding a
/// cluster.conf on free loopback ports, the admin token in its environment, and its output in logs/web.log.
/// </summary>
public sealed class SupervisedCluster : IAsyncDisposable
{
    public const string Token = "supervisor-test-admin-token-0123456789";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private SupervisedCluster(string stateDirectory, int metaPort, IReadOnlyList<int> dataPorts, int webPort, Process process)
    {
        StateDirectory = stateDirectory;
        MetaUrl = new Uri($"http://127.0.0.1:{metaPort.ToString(CultureInfo.InvariantCulture)}");
        DataUrls = [.. dataPorts.Select(p => new Uri($"http://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}"))];
        WebUrl = new Uri($"http://127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}");
        Process = process;
        Http = new HttpClient { BaseAddress = WebUrl, Timeout = TimeSpan.FromSeconds(90) };
    }

    public string StateDirectory { get; }

    public Uri MetaUrl { get; }

    public IReadOnlyList<Uri> DataUrls { get; }

    public Uri WebUrl { get; }

    public Process Process { get; }

    public HttpClient Http { get; }

    public string LogFile => Path.Combine(StateDirectory, "logs", "web.log");

    /// <summary>Writes cluster.conf and starts the supervisor (it is not ready yet: see <see cref="WaitForStartupAsync"/>).</summary>
    public static SupervisedCluster Start(int dataServers = 3, int replicas = 3, int? metaPort = null, string? extraConf = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "replicafs-web-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
        var meta = metaPort ?? FreePorts.Next();
        var data = Enumerable.Range(0, dataServers).Select(_ => FreePorts.Next()).ToList();
        var web = FreePorts.Next();
        File.WriteAllText(Path.Combine(directory, "cluster.conf"), $"""
            version=1
            created=
            replicas={replicas}
            chunk_size=262144
            meta_port={meta}
            data_ports={string.Join(' ', data)}
            web_port={web}
            {extraConf}
            """);

        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // The launcher's way: output appended to logs/web.log, stdin from /dev/null.
        foreach (var argument in new[] { "-c", "exec \"$@\" </dev/null >>\"$0\" 2>&1", Path.Combine(directory, "logs", "web.log"), "dotnet", RepositoryPaths.WebDll, "supervise", "--state-dir", directory, "--api", RepositoryPaths.ApiDll, "--start-timeout", "90", "--stop-timeout", "10" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["REPLICAFS_ADMIN_TOKEN"] = Token;
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("could not start the supervisor");
        return new SupervisedCluster(directory, meta, data, web, process);
    }

    /// <summary>Waits for the ready file (true) or the failed file / the supervisor's exit (false).</summary>
    public async Task<bool> WaitForStartupAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Path.Combine(StateDirectory, StartupReport.ReadyFile)))
            {
                return true;
            }

            if (File.Exists(Path.Combine(StateDirectory, StartupReport.FailedFile)) || Process.HasExited)
            {
                return false;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The supervisor neither became ready nor failed within 150 s.\n{ReadLog()}");
    }

    /// <summary>A request to the supervisor API with the admin token (or <paramref name="token"/>).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken, string? token = Token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request, cancellationToken);
    }

    public async Task<IReadOnlyList<SupervisedProcessInfo>> ProcessesAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/supervisor/processes", cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<SupervisedProcessInfo>>(Json, cancellationToken))!;
    }

    public async Task<SupervisedProcessInfo> ProcessAsync(string name, CancellationToken cancellationToken) =>
        (await ProcessesAsync(cancellationToken)).Single(p => p.Name == name);

    public static async Task<ProcessActionResult> ReadResultAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await response.Content.ReadFromJsonAsync<ProcessActionResult>(Json, cancellationToken))!;

    /// <summary>The run record's process lines: name → (pid, start ticks, URL).</summary>
    public IReadOnlyDictionary<string, (int Pid, long Ticks, string Url)> RunRecord()
    {
        var path = Path.Combine(StateDirectory, Web.Supervision.RunRecord.FileName);
        return File.Exists(path)
            ? File.ReadAllLines(path)
                .Select(l => l.Split(' '))
                .Where(f => f is ["process", _, _, _, _])
                .ToDictionary(f => f[1], f => (int.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture), f[4]))
            : new Dictionary<string, (int, long, string)>();
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no web.log)";

    /// <summary>SIGTERM to the supervisor; true when it exited within <paramref name="timeout"/>.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (Process.HasExited)
        {
            return true;
        }

        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the supervisor, kills anything it left running, and removes the state directory.</summary>
    public async ValueTask DisposeAsync()
    {
        var recorded = RunRecord();
        if (!await TerminateAsync(TimeSpan.FromSeconds(60)))
        {
            Process.Kill();
        }

        foreach (var (_, (pid, ticks, _)) in recorded.Where(p => p.Key != "web"))
        {
            if (IsRunning(pid) && ProcStat.StartTicks(pid) == ticks)
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                    // Gone meanwhile.
                }
            }
        }

        Process.Dispose();
        Http.Dispose();
        if (Environment.GetEnvironmentVariable("REPLICAFS_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A server may still be letting go of a file.
            }
        }
    }
}
