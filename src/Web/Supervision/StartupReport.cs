using System.Text;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// How the supervisor tells the launcher that start-up is over: <c>STATE/ready</c> holds the lines
/// <c>./replicafs up --detach</c> prints (<c>meta URL</c>, <c>data URL</c>…, <c>web URL</c>, <c>mount DIR</c>) and
/// <c>warning TEXT</c> lines; <c>STATE/failed</c> holds why start-up failed. Both are written atomically and removed
/// when the cluster stops.
/// </summary>
public static class StartupReport
{
    /// <summary>Written when every process is ready.</summary>
    public const string ReadyFile = "ready";

    /// <summary>Written when start-up failed.</summary>
    public const string FailedFile = "failed";

    /// <summary>Writes the ready file.</summary>
    public static void WriteReady(string stateDirectory, IEnumerable<string> lines) =>
        AtomicFile.Write(Path.Combine(stateDirectory, ReadyFile), string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Writes the failed file: the failing process's name and the reason.</summary>
    public static void WriteFailed(string stateDirectory, string? name, string reason)
    {
        var text = new StringBuilder();
        text.Append("process ").Append(name ?? "web").Append('\n');
        text.Append("reason ").Append(reason.ReplaceLineEndings(" ")).Append('\n');
        AtomicFile.Write(Path.Combine(stateDirectory, FailedFile), text.ToString());
    }

    /// <summary>Removes both files (before a start, and after a stop).</summary>
    public static void Clear(string stateDirectory)
    {
        File.Delete(Path.Combine(stateDirectory, ReadyFile));
        File.Delete(Path.Combine(stateDirectory, FailedFile));
    }
}
