using System.Globalization;
using System.Text.RegularExpressions;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Testing;

/// <summary>
/// A real ReplicaFs cluster for tests: a metadata server and N data servers, each a child process on its own
/// loopback port with its own directory under a temporary root. Servers can be killed (SIGKILL), stopped
/// (SIGTERM), restarted on the same port with their data or empty, and chunks can be corrupted on disk.
/// Shared by the integration and system tests of every project.
/// </summary>
public sealed partial class TestCluster : IAsyncDisposable
{
    private readonly List<DataServerHandle> _dataServers = [];
    private readonly HttpClient _http;

    private TestCluster(ClusterOptions options, string root)
    {
        Options = options;
        RootDirectory = root;
        MetaPort = FreePorts.Next();
        MetaUrl = new Uri($"http://127.0.0.1:{MetaPort}");
        _http = NewHttpClient(null);
        Meta = new ServerProcess("meta", RepositoryPaths.ApiDll, MetaArguments(), Path.Combine(root, "logs", "meta.log"));
        MetaApi = RestService.For<IMetadataApi>(NewHttpClient(MetaUrl));
    }

    /// <summary>The cluster's shape.</summary>
    public ClusterOptions Options { get; }

    /// <summary>Temporary root holding meta/, data-N/ and logs/.</summary>
    public string RootDirectory { get; }

    /// <summary>The metadata server's port.</summary>
    public int MetaPort { get; }

    /// <summary>The metadata server's base URL.</summary>
    public Uri MetaUrl { get; }

    /// <summary>The metadata server process.</summary>
    public ServerProcess Meta { get; }

    /// <summary>The metadata server's data directory.</summary>
    public string MetaDataDir => Path.Combine(RootDirectory, "meta");

    /// <summary>A Refit client of the metadata server.</summary>
    public IMetadataApi MetaApi { get; }

    /// <summary>The data servers.</summary>
    public IReadOnlyList<DataServerHandle> DataServers => _dataServers;

    /// <summary>An HTTP client for raw calls.</summary>
    public HttpClient Http => _http;

    /// <summary>Starts a cluster and waits until the metadata server is healthy and every data server is registered and up.</summary>
    public static async Task<TestCluster> StartAsync(ClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ClusterOptions();
        var root = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(Path.Combine(root, "logs"));
        var cluster = new TestCluster(options, root);
        try
        {
            cluster.Meta.Start();
            await cluster.WaitForHealthyAsync(cluster.MetaUrl, cluster.Meta, cancellationToken);
            for (var i = 0; i < options.DataServers; i++)
            {
                cluster.AddDataServer(i).Process.Start();
            }

            await cluster.WaitForDataServersUpAsync(cancellationToken: cancellationToken);
            return cluster;
        }
        catch (Exception ex)
        {
            var logs = cluster.DumpLogs();
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The test cluster did not start: {ex.Message}\n{logs}", ex);
        }
    }

    /// <summary>A Refit client of data server <paramref name="index"/>.</summary>
    public IDataServerApi DataApi(int index) =>
        RestService.For<IDataServerApi>(NewHttpClient(_dataServers[index].Url));

    /// <summary>A Refit client of data server <paramref name="index"/>'s fault endpoints, carrying the admin token.</summary>
    public IDataFaultsApi FaultsApi(int index) =>
        RestService.For<IDataFaultsApi>(
            NewHttpClient(_dataServers[index].Url),
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(Options.AdminToken) });

    /// <summary>The id meta gave data server <paramref name="index"/>.</summary>
    public async Task<int> ServerIdAsync(int index, CancellationToken cancellationToken = default)
    {
        var url = _dataServers[index].UrlText;
        var servers = await MetaApi.GetServersAsync(cancellationToken);
        return servers.Single(s => s.Url == url).Id;
    }

    /// <summary>The index of the data server meta knows as <paramref name="serverId"/>.</summary>
    public async Task<int> IndexOfServerAsync(int serverId, CancellationToken cancellationToken = default)
    {
        var server = await MetaApi.GetServerAsync(serverId, cancellationToken);
        return _dataServers.Single(d => d.UrlText == server.Url).Index;
    }

    /// <summary>SIGKILL data server <paramref name="index"/>.</summary>
    public Task KillDataServerAsync(int index) => _dataServers[index].Process.KillAsync();

    /// <summary>SIGTERM data server <paramref name="index"/> and wait for it to exit.</summary>
    public Task StopDataServerAsync(int index) => _dataServers[index].Process.StopAsync();

    /// <summary>Starts a stopped or killed data server again on the same port, with its data or (<paramref name="empty"/>) with an empty data directory.</summary>
    public async Task StartDataServerAsync(int index, bool empty = false, bool waitUntilUp = true, CancellationToken cancellationToken = default)
    {
        var server = _dataServers[index];
        if (empty && Directory.Exists(server.DataDir))
        {
            Directory.Delete(server.DataDir, recursive: true);
        }

        server.Process.Start();
        await WaitForHealthyAsync(server.Url, server.Process, cancellationToken);
        if (waitUntilUp)
        {
            await WaitForDataServersUpAsync([index], cancellationToken: cancellationToken);
        }
    }

    /// <summary>Kills data server <paramref name="index"/> and starts it again (see <see cref="StartDataServerAsync"/>).</summary>
    public async Task RestartDataServerAsync(int index, bool empty = false, CancellationToken cancellationToken = default)
    {
        await KillDataServerAsync(index);
        await StartDataServerAsync(index, empty, cancellationToken: cancellationToken);
    }

    /// <summary>SIGKILL the metadata server.</summary>
    public Task KillMetaAsync() => Meta.KillAsync();

    /// <summary>Starts the metadata server again on the same port and data directory, and waits until data servers are registered and up again.</summary>
    public async Task StartMetaAsync(bool waitForDataServers = true, CancellationToken cancellationToken = default)
    {
        Meta.Start();
        await WaitForHealthyAsync(MetaUrl, Meta, cancellationToken);
        if (waitForDataServers)
        {
            await WaitForDataServersUpAsync(_dataServers.Where(d => d.Process.IsRunning).Select(d => d.Index), cancellationToken: cancellationToken);
        }
    }

    /// <summary>SIGKILL and restart the metadata server.</summary>
    public async Task RestartMetaAsync(CancellationToken cancellationToken = default)
    {
        await KillMetaAsync();
        await StartMetaAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Corrupts a chunk on data server <paramref name="index"/> through its fault endpoint.</summary>
    public Task<CorruptResult> CorruptAsync(int index, string key, long? version = null, CancellationToken cancellationToken = default) =>
        FaultsApi(index).CorruptAsync(new CorruptRequest(key, version), cancellationToken);

    /// <summary>Waits until meta lists the given data servers (all by default) as up.</summary>
    public async Task WaitForDataServersUpAsync(IEnumerable<int>? indexes = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wanted = (indexes ?? Enumerable.Range(0, _dataServers.Count)).Select(i => _dataServers[i]).ToList();
        await WaitUntilAsync(
            async () =>
            {
                var servers = await MetaApi.GetServersAsync(cancellationToken);
                return wanted.All(w => servers.Any(s => s.Url == w.UrlText && s.State is ServerState.Up or ServerState.Rebuilding));
            },
            timeout ?? Options.StartTimeout,
            $"data servers {string.Join(", ", wanted.Select(w => w.Name))} to be up at meta",
            cancellationToken);
    }

    /// <summary>Polls <paramref name="condition"/> (exceptions count as false) until it holds or <paramref name="timeout"/> passes.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or ApiExceptionBase or TaskCanceledException or IOException)
            {
                last = ex;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.{(last is null ? string.Empty : $" Last error: {last.Message}")}");
    }

    /// <summary>
    /// A Prometheus counter or gauge of data server <paramref name="index"/>, summed over its label sets; throws when the
    /// server does not export <paramref name="name"/> at all (a renamed metric must not read as zero).
    /// </summary>
    public async Task<double> DataMetricAsync(int index, string name, CancellationToken cancellationToken = default)
    {
        var text = await Http.GetStringAsync(new Uri(_dataServers[index].Url, "/metrics"), cancellationToken);
        var matches = MetricLine().Matches(text).Where(m => m.Groups["name"].Value == name).ToList();
        if (matches.Count == 0)
        {
            throw new InvalidOperationException($"{_dataServers[index].Name} exports no metric {name}.");
        }

        return matches.Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Every server's log, for failure messages.</summary>
    public string DumpLogs()
    {
        var parts = new List<string> { Meta.ReadLog() };
        parts.AddRange(_dataServers.Select(d => d.Process.ReadLog()));
        return string.Join("\n", parts.Select(p => p.Length > 20_000 ? p[^20_000..] : p));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_dataServers.Select(d => d.Process.DisposeAsync().AsTask()).Append(Meta.DisposeAsync().AsTask()));
        _http.Dispose();
        if (System.Environment.GetEnvironmentVariable("REPLICAFS_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A server may still be letting go of a file; the temp folder is cleaned by the OS eventually.
            }
        }
    }

    private DataServerHandle AddDataServer(int index)
    {
        var port = FreePorts.Next();
        var name = $"data-{index + 1}";
        var dataDir = Path.Combine(RootDirectory, name);
        var arguments = new List<string>
        {
            "data",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--meta", MetaUrl.ToString().TrimEnd('/'),
            "--data-dir", dataDir,
            "--name", name,
        };
        if (Options.EnableFaults)
        {
            arguments.AddRange(["--enable-faults", "--admin-token", Options.AdminToken]);
        }

        if (Options.ClusterToken is { } token)
        {
            arguments.AddRange(["--cluster-token", token]);
        }

        arguments.AddRange(Options.ExtraDataArguments);
        var process = new ServerProcess(name, RepositoryPaths.ApiDll, arguments, Path.Combine(RootDirectory, "logs", name + ".log"));
        var handle = new DataServerHandle(index, port, dataDir, process);
        _dataServers.Add(handle);
        return handle;
    }

    private List<string> MetaArguments()
    {
        var arguments = new List<string>
        {
            "meta",
            "--port", MetaPort.ToString(CultureInfo.InvariantCulture),
            "--data-dir", Path.Combine(RootDirectory, "meta"),
            "--replicas", Options.Replicas.ToString(CultureInfo.InvariantCulture),
            "--chunk-size", Options.ChunkSize.ToString(CultureInfo.InvariantCulture),
            "--heartbeat-interval-ms", ((int)Options.HeartbeatInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--heartbeat-timeout-ms", ((int)Options.HeartbeatTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--admin-token", Options.AdminToken,
        };
        if (Options.EnableFaults)
        {
            arguments.Add("--enable-faults");
        }

        if (Options.ClusterToken is { } token)
        {
            arguments.AddRange(["--cluster-token", token]);
        }

        arguments.AddRange(Options.ExtraMetaArguments);
        return arguments;
    }

    /// <summary>An HTTP client for the cluster's servers, carrying the cluster token when there is one.</summary>
    private HttpClient NewHttpClient(Uri? baseAddress)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (Options.ClusterToken is { } token)
        {
            http.DefaultRequestHeaders.Add(ChunkHeaders.ClusterToken, token);
        }

        return http;
    }

    private async Task WaitForHealthyAsync(Uri baseUrl, ServerProcess process, CancellationToken cancellationToken)
    {
        await WaitUntilAsync(
            async () =>
            {
                if (!process.IsRunning)
                {
                    throw new InvalidOperationException($"{process.Name} exited with code {process.ExitCode}.");
                }

                using var response = await _http.GetAsync(new Uri(baseUrl, "/healthz"), cancellationToken);
                return response.IsSuccessStatusCode;
            },
            Options.StartTimeout,
            $"{process.Name} to answer /healthz",
            cancellationToken);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(?<value>[-+0-9.eE]+|NaN)\s*$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
