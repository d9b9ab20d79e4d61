using System.Diagnostics;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>The result of a command-line tool run against the mount.</summary>
/// <param name="ExitCode">The tool's exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
internal sealed record CommandResult(int ExitCode, string Output, string Error);

/// <summary>Runs coreutils (ls, cat, stat, ln, mv, rm ...) as real processes, with a time limit.</summary>
internal static class Commands
{
    public static async Task<CommandResult> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["LC_ALL"] = "C";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within 30 s.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>Runs and requires exit code 0; returns standard output.</summary>
    public static async Task<string> RunCheckedAsync(string program, params string[] arguments)
    {
        var result = await RunAsync(program, arguments);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error}");
        return result.Output;
    }
}
