namespace ReplicaFs.Cli.Tests.Support;

/// <summary>
/// Runs operator commands in-process, as <c>./replicafs COMMAND</c> runs them, with captured output, a given
/// environment and a current directory of its own; every run is logged to the test output.
/// </summary>
internal static class CliRunner
{
    /// <summary>Longest any single command may take in a test.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <paramref name="arguments"/>; cancelling <paramref name="cancellationToken"/> is Ctrl+C.</summary>
    public static async Task<CliResult> RunAsync(
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string currentDirectory,
        CancellationToken cancellationToken)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(
            TextWriter.Synchronized(stdout),
            TextWriter.Synchronized(stderr),
            name => environment.TryGetValue(name, out var value) ? value : null,
            currentDirectory,
            OutIsTerminal: false,
            ErrorIsTerminal: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var exitCode = await CliApplication.RunAsync([.. arguments], context, timeout.Token);
        var result = new CliResult(arguments, exitCode, stdout.ToString(), stderr.ToString());
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        return result;
    }
}
