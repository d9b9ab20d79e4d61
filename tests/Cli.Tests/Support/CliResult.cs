namespace ReplicaFs.Cli.Tests.Support;

/// <summary>What one command printed and its exit code.</summary>
internal sealed record CliResult(IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything, for assertion messages and the test log.</summary>
    public override string ToString() =>
        $"$ replicafs {string.Join(' ', Arguments)}\nexit code {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
