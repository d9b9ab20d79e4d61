using ReplicaFs.Testing.Launcher;

namespace ReplicaFs.Web.Tests.Browser;

/// <summary>
/// A local cluster started the way a user starts one: <c>./replicafs up --detach</c> in a temporary state directory,
/// so the dashboard and its supervisor run exactly as in production. <c>./replicafs down</c> stops it.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    // Clear of the ports the launcher tests' clusters take (from LauncherScript.FirstPort) when the test projects run side
    // by side: a port freed by Kill must still be free for Restore. Below the kernel's ephemeral range, like theirs.
    private static readonly Dictionary<string, string> LauncherEnvironment = new(StringComparer.Ordinal)
    {
        ["REPLICAFS_FIRST_PORT"] = $"{LauncherScript.FirstPort + 2000}",
        ["REPLICAFS_START_TIMEOUT"] = "120",
    };

    private LocalCluster(string stateDirectory, Uri meta, IReadOnlyList<Uri> data, Uri web)
    {
        StateDirectory = stateDirectory;
        MetaUrl = meta;
        DataUrls = data;
        WebUrl = web;
        AdminToken = File.ReadAllText(Path.Combine(stateDirectory, "admin-token")).Trim();
    }

    public string StateDirectory { get; }

    public Uri MetaUrl { get; }

    public IReadOnlyList<Uri> DataUrls { get; }

    public Uri WebUrl { get; }

    public string AdminToken { get; }

    /// <summary>Runs <c>./replicafs up --detach</c> and parses its lines.</summary>
    public static async Task<LocalCluster> StartAsync(int dataServers, int replicas, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "replicafs-browser-tests", Guid.NewGuid().ToString("N")[..12]);
        var up = await RunLauncherAsync(
            ["up", "--detach", "--state-dir", directory, "--data-servers", $"{dataServers}", "--replicas", $"{replicas}", "--chunk-size", "256K", "--no-mount"],
            TimeSpan.FromSeconds(240),
            cancellationToken);
        if (up.ExitCode != 0)
        {
            throw new InvalidOperationException(up.ToString());
        }

        var stdout = up.Stdout;
        Uri? meta = null, web = null;
        var data = new List<Uri>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (kind, value) = (line[..line.IndexOf(' ', StringComparison.Ordinal)], line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            switch (kind)
            {
                case "meta":
                    meta = new Uri(value);
                    break;
                case "data":
                    data.Add(new Uri(value));
                    break;
                case "web":
                    web = new Uri(value);
                    break;
            }
        }

        return new LocalCluster(directory, meta ?? throw new FormatException(stdout), data, web ?? throw new FormatException($"no 'web URL' line:\n{stdout}"));
    }

    /// <summary>Runs the launcher with <paramref name="arguments"/> on the outputs the tests were built with.</summary>
    private static Task<LauncherResult> RunLauncherAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        LauncherScript.RunAsync(arguments, timeout, LauncherEnvironment, cancellationToken);

    /// <summary>The names of the processes that have a log (web, meta, data-N, …).</summary>
    public IReadOnlyList<string> LogNames()
    {
        var folder = Path.Combine(StateDirectory, "logs");
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*.log").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The end of a process's log, for failure messages.</summary>
    public string Log(string name)
    {
        var path = Path.Combine(StateDirectory, "logs", name + ".log");
        if (!File.Exists(path))
        {
            return $"(no {name}.log)";
        }

        var text = File.ReadAllText(path);
        return text.Length > 8000 ? text[^8000..] : text;
    }

    public async ValueTask DisposeAsync()
    {
        await RunLauncherAsync(["down", "--state-dir", StateDirectory], TimeSpan.FromSeconds(120), CancellationToken.None);
        if (Environment.GetEnvironmentVariable("REPLICAFS_KEEP_TEST_DIRS") != "1")
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Let the OS clean it up.
            }
        }
    }
}
