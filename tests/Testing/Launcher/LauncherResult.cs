namespace ReplicaFs.Testing.Launcher;

/// <summary>What one launcher run did.</summary>
/// <param name="Arguments">The launcher's arguments.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
public sealed record LauncherResult(IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything, for assertion messages.</summary>
    public override string ToString() =>
        $"./replicafs {string.Join(' ', Arguments)} exited with {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
