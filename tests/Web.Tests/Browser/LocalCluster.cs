using System.Diagnostics;
using ReplicaFs.Testing;

namespace ReplicaFs.Web.Tests.Browser;

/// <summary>
/// A local cluster started the way a user starts one: <c>./replicafs up --detach</c> in a temporary state directory,
/// so the dashboard and its supervisor run exactly as in production. <c>./replicafs down</c> stops it.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
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
        string directory;
        int exitCode;
        string stdout, stderr;
        var attempt = 0;
        do
        {
            // Ports in the kernel's ephemeral range can be taken for a moment by another test's outgoing connection
            // between planning and binding: such a start is tried again (three attempts at most).
            attempt++;
            directory = Path.Combine(Path.GetTempPath(), "replicafs-browser-tests", Guid.NewGuid().ToString("N")[..12]);
            (exitCode, stdout, stderr) = await RunLauncherAsync(
                ["up", "--detach", "--state-dir", directory, "--data-servers", $"{dataServers}", "--replicas", $"{replicas}", "--chunk-size", "256K", "--no-mount"],
                TimeSpan.FromSeconds(240),
                cancellationToken);
        }
        while (exitCode != 0 && attempt < 3 && (stdout + stderr).Contains("address already in use", StringComparison.Ordinal));

        if (exitCode != 0)
        {
            throw new InvalidOperationException($"./replicafs up failed ({exitCode}):\n{stdout}\n{stderr}");
        }

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
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunLauncherAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(RepositoryPaths.Launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["REPLICAFS_NO_BUILD"] = "1";
        info.Environment["REPLICAFS_CONFIGURATION"] = RepositoryPaths.Configuration;
        info.Environment["REPLICAFS_START_TIMEOUT"] = "120";

        // Clear of the ports the launcher tests' clusters take (from 51234) when the test projects run side by side:
        // a port freed by Kill must still be free for Restore.
        info.Environment["REPLICAFS_FIRST_PORT"] = "53234";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the launcher");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"./replicafs {string.Join(' ', arguments)} took longer than {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

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
