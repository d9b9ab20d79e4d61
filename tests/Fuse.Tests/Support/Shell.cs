using System.Diagnostics;
using System.Globalization;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// Runs a bash script as a real process (optionally as another user, through setpriv), with a time limit, in
/// the C locale so that messages can be compared.
/// </summary>
internal static class Shell
{
    public static async Task<CommandResult> RunAsync(string script, string? workingDirectory = null, uint? uid = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (uid is { } user)
        {
            var id = user.ToString(CultureInfo.InvariantCulture);
            info.FileName = "setpriv";
            foreach (var argument in new[] { "--reuid", id, "--regid", id, "--clear-groups", "--", "bash", "-c", script })
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = "bash";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
        }

        info.Environment["LC_ALL"] = "C";
        info.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bash -c '{script}' did not finish within {limit.TotalSeconds:0} s.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>Runs and requires exit code 0; returns standard output.</summary>
    public static async Task<string> RunCheckedAsync(string script, string? workingDirectory = null, uint? uid = null, TimeSpan? timeout = null)
    {
        var result = await RunAsync(script, workingDirectory, uid, timeout);
        Assert.True(result.ExitCode == 0, $"bash -c '{script}' exited {result.ExitCode}:\n{result.Output}\n{result.Error}");
        return result.Output;
    }
}
