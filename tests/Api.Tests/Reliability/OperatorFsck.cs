using System.Diagnostics;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// Runs the operator's <c>fsck</c> (<c>./replicafs fsck</c>, the ReplicaFs.Cli executable) against a test cluster as a
/// real process: it verifies every replica of every chunk of every file against the committed checksum.
/// Exit code 0 is OK, 1 DEGRADED (some replica bad, every file still readable with Qr), 2 UNREADABLE.
/// </summary>
internal static class OperatorFsck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The executable, next to the server's in the same build configuration.</summary>
    public static string CliDll => Path.Combine(RepositoryPaths.Root, "src", "Cli", "bin", RepositoryPaths.Configuration, "net10.0", "ReplicaFs.Cli.dll");

    /// <summary>Runs <c>fsck --meta URL --qr N --json</c>; returns the exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TestCluster cluster, int readQuorum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { CliDll, "fsck", "--meta", cluster.MetaUrl.ToString(), "--qr", readQuorum.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json" })
        {
            info.ArgumentList.Add(argument);
        }

        // No local cluster of the machine may be picked up.
        info.Environment["REPLICAFS_STATE_DIR"] = Path.Combine(cluster.RootDirectory, "no-state");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("fsck did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }
}
