using System.Globalization;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>
/// One real data server process on a free loopback port, with its own temporary data directory, pointed at a
/// metadata URL where nothing listens (unless a test gives one). Kill, start again, or start a second process on
/// the same directory.
/// </summary>
public sealed class StandaloneDataServer : IAsyncDisposable
{
    /// <summary>The admin token of every standalone server.</summary>
    public const string AdminToken = "standalone-admin-token";

    private readonly bool _ownsRoot;

    private StandaloneDataServer(string root, string dataDir, int port, Uri metaUrl, bool enableFaults, IReadOnlyList<string> extraArguments, bool ownsRoot)
    {
        Root = root;
        DataDir = dataDir;
        Port = port;
        MetaUrl = metaUrl;
        _ownsRoot = ownsRoot;
        Url = new Uri($"http://127.0.0.1:{port}");
        var arguments = new List<string>
        {
            "data",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--meta", metaUrl.ToString().TrimEnd('/'),
            "--data-dir", dataDir,
        };
        if (enableFaults)
        {
            arguments.AddRange(["--enable-faults", "--admin-token", AdminToken]);
        }

        arguments.AddRange(extraArguments);
        Process = new ServerProcess($"data-{port}", RepositoryPaths.ApiDll, arguments, Path.Combine(root, $"data-{port}.log"));
        Http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        Api = RestService.ForGenerated<IDataServerApi>(new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) });
        Faults = RestService.ForGenerated<IDataFaultsApi>(
            new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) },
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(AdminToken) });
        Admin = RestService.ForGenerated<IDataAdminApi>(
            new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) },
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(AdminToken) });
    }

    /// <summary>Temporary folder holding the data directory and the log.</summary>
    public string Root { get; }

    /// <summary>The data directory.</summary>
    public string DataDir { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The base URL.</summary>
    public Uri Url { get; }

    /// <summary>The URL given as <c>--meta</c>.</summary>
    public Uri MetaUrl { get; }

    /// <summary>The process.</summary>
    public ServerProcess Process { get; }

    /// <summary>Raw HTTP client with <see cref="Url"/> as base address.</summary>
    public HttpClient Http { get; }

    /// <summary>Refit client of the chunk API.</summary>
    public IDataServerApi Api { get; }

    /// <summary>Refit client of the fault API, carrying the admin token.</summary>
    public IDataFaultsApi Faults { get; }

    /// <summary>Refit client of the admin API (exists on the server only with an admin token), carrying the admin token.</summary>
    public IDataAdminApi Admin { get; }

    /// <summary>Starts a server and waits until it answers /healthz.</summary>
    /// <param name="enableFaults">Expose the fault endpoints (with <see cref="AdminToken"/>).</param>
    /// <param name="dataDir">Use this data directory instead of a fresh one (it is not deleted at the end).</param>
    /// <param name="metaUrl">The metadata server; by default a loopback port where nothing listens.</param>
    /// <param name="extraArguments">More command-line arguments.</param>
    /// <param name="waitUntilHealthy">Wait for /healthz (false for servers expected to refuse to start).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<StandaloneDataServer> StartAsync(
        bool enableFaults = true,
        string? dataDir = null,
        Uri? metaUrl = null,
        IReadOnlyList<string>? extraArguments = null,
        bool waitUntilHealthy = true,
        CancellationToken cancellationToken = default)
    {
        var root = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"standalone-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new StandaloneDataServer(
            root,
            dataDir ?? Path.Combine(root, "data"),
            FreePorts.Next(),
            metaUrl ?? new Uri($"http://127.0.0.1:{FreePorts.Next()}"),
            enableFaults,
            extraArguments ?? [],
            ownsRoot: true);
        try
        {
            server.Process.Start();
            if (waitUntilHealthy)
            {
                await server.WaitUntilHealthyAsync(cancellationToken);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no cleanup at all.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>Starts the process again (same port, same directory) and waits until it is healthy.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        Process.Start();
        await WaitUntilHealthyAsync(cancellationToken);
    }

    /// <summary>Waits until the process exits by itself; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Process.IsRunning)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Process.Name} did not exit within {timeout.TotalSeconds:0} s.\n{Process.ReadLog()}");
            }

            await Task.Delay(50, cancellationToken);
        }

        // The exit code is set once the process object has seen the exit.
        for (var i = 0; i < 100 && Process.ExitCode is null; i++)
        {
            await Task.Delay(20, cancellationToken);
        }

        return Process.ExitCode ?? throw new InvalidOperationException($"{Process.Name} exited without an exit code.");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Http.Dispose();
        if (_ownsRoot && Environment.GetEnvironmentVariable("REPLICAFS_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans the temp folder eventually.
            }
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (!Process.IsRunning)
            {
                throw new InvalidOperationException($"{Process.Name} exited with code {Process.ExitCode}.\n{Process.ReadLog()}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Process.Name} did not become healthy within 60 s.\n{Process.ReadLog()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
