using System.Globalization;
using ReplicaFs.Testing;
using ReplicaFs.Testing.HttpFiles;

namespace ReplicaFs.SystemTests.HttpFiles;

/// <summary>
/// A metadata server and two data servers (faults enabled, admin token set) as real processes on free loopback ports,
/// ready once each answers <c>/healthz</c>. Unlike <see cref="TestCluster"/> it does not wait for the data servers to
/// register with meta: the runner's own tests need nothing from the servers but routing, health and 404s.
/// </summary>
public sealed class StandaloneServers : IAsyncLifetime
{
    /// <summary>The admin token of every server.</summary>
    public const string AdminToken = "http-runner-admin-token";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"http-runner-{Guid.NewGuid():N}");
    private readonly List<(ServerProcess Process, Uri Url)> _servers = [];

    /// <summary>The metadata server.</summary>
    public Uri MetaUrl => _servers[0].Url;

    /// <summary>The data servers.</summary>
    public IReadOnlyList<Uri> DataUrls => [.. _servers.Skip(1).Select(s => s.Url)];

    /// <summary><c>meta</c>, <c>data</c>, <c>data2</c> and <c>adminToken</c> for an <c>.http</c> file.</summary>
    public IReadOnlyDictionary<string, string> Variables => HttpFileVariables.For(MetaUrl, DataUrls, AdminToken);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(_root, "logs"));
        var metaPort = FreePorts.Next();
        var metaUrl = new Uri($"http://127.0.0.1:{metaPort}");
        Add("meta", metaPort, ["meta", "--enable-faults", "--admin-token", AdminToken]);
        for (var i = 1; i <= 2; i++)
        {
            Add($"data-{i}", FreePorts.Next(), ["data", "--meta", metaUrl.ToString().TrimEnd('/'), "--enable-faults", "--admin-token", AdminToken]);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        foreach (var (process, url) in _servers)
        {
            while (true)
            {
                if (!process.IsRunning)
                {
                    throw new InvalidOperationException($"{process.Name} exited with {process.ExitCode}:\n{process.ReadLog()}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(url, "/healthz"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Busy machine: try again until the deadline.
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{process.Name} did not answer /healthz within {StartTimeout.TotalSeconds} s:\n{process.ReadLog()}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.Process.DisposeAsync().AsTask()));
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be letting go of its log; the temp folder is cleaned eventually.
        }
    }

    private void Add(string name, int port, List<string> arguments)
    {
        arguments.AddRange(["--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", Path.Combine(_root, name)]);
        var process = new ServerProcess(name, RepositoryPaths.ApiDll, arguments, Path.Combine(_root, "logs", name + ".log"));
        _servers.Add((process, new Uri($"http://127.0.0.1:{port}")));
        process.Start();
    }
}
