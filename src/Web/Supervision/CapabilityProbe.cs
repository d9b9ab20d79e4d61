using System.Diagnostics;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// Asks the built executables what they support, so that one supervisor works with the builds that exist:
/// whether data servers take <c>--name</c> (they register under the state directory's names) and whether the FUSE
/// client has its <c>mount</c> command yet.
/// </summary>
internal static class CapabilityProbe
{
    /// <summary>Whether <c>ReplicaFs.Api data</c> accepts <c>--name</c>.</summary>
    public static async Task<bool> DataServerTakesNameAsync(string dotnet, string apiDll, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(dotnet, [apiDll, "data", "--help"], cancellationToken);
        return exitCode == 0 && output.Contains("--name", StringComparison.Ordinal);
    }

    /// <summary>Why the FUSE client cannot mount a ReplicaFs file system, or null when it can.</summary>
    public static async Task<string?> MountUnavailableReasonAsync(string dotnet, string? fuseDll, CancellationToken cancellationToken)
    {
        if (fuseDll is null)
        {
            return "the launcher gave no FUSE client (--fuse)";
        }

        if (!File.Exists(fuseDll))
        {
            return $"{fuseDll} is not built";
        }

        var (exitCode, output) = await RunAsync(dotnet, [fuseDll, "mount", "--help"], cancellationToken);
        return exitCode == 0 && output.Contains("--meta", StringComparison.Ordinal)
            ? null
            : "this build of ReplicaFs.Fuse has no 'mount' command yet";
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string dotnet, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dotnet}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
