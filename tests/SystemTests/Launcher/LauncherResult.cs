namespace ReplicaFs.SystemTests.Launcher;

/// <summary>What one launcher run did.</summary>
internal sealed record LauncherResult(IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything, for assertion messages.</summary>
    public override string ToString() =>
        $"./replicafs {string.Join(' ', Arguments)} exited with {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
