using System.Diagnostics;

namespace ReplicaFs.Testing.Launcher;

/// <summary>Runs <c>./replicafs</c> as a user would (from another directory), on the outputs the tests were built with.</summary>
public static class LauncherScript
{
    /// <summary>The first port of the clusters the tests start through the launcher, unless a test says otherwise.</summary>
    public const int FirstPort = 21234;

    /// <summary>
    /// Starts the launcher with <paramref name="arguments"/>; the caller reads its output and waits for it.
    /// <paramref name="environment"/> adds or overrides environment variables (say, <c>REPLICAFS_FIRST_PORT</c>).
    /// </summary>
    public static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(RepositoryPaths.Launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Any current directory works: the launcher finds the repository from its own path.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The tests run after the solution build: never build again, and run the configuration the tests were built in.
        info.Environment["REPLICAFS_NO_BUILD"] = "1";
        info.Environment["REPLICAFS_CONFIGURATION"] = RepositoryPaths.Configuration;
        info.Environment["REPLICAFS_START_TIMEOUT"] = "90";
        // Below the kernel's ephemeral range (32768-60999): a port planned here can never be handed to another test's
        // outgoing connection or port-0 listener between planning and binding.
        info.Environment["REPLICAFS_FIRST_PORT"] = $"{FirstPort}";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {RepositoryPaths.Launcher}");
    }

    /// <summary>
    /// The lines a foreground <c>up</c> prints on standard output up to its "Press Ctrl+C" line (or its end, should it exit
    /// first); throws <see cref="OperationCanceledException"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<List<string>> ReadBannerAsync(Process launcher, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        var banner = new List<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (await launcher.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            banner.Add(line);
            if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
            {
                break;
            }
        }

        return banner;
    }

    /// <summary>Runs the launcher to completion, killing it (and its children) if it takes longer than <paramref name="timeout"/>.</summary>
    public static Task<LauncherResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(arguments, timeout, null, cancellationToken);

    /// <summary>
    /// Runs the launcher to completion with <paramref name="environment"/> added to its environment, killing it (and its
    /// children) if it takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<LauncherResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        using var process = Start(arguments, environment);
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
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"./replicafs {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new LauncherResult(arguments, process.ExitCode, await stdout, await stderr);
    }
}
