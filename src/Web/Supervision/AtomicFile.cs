namespace ReplicaFs.Web.Supervision;

/// <summary>Writes small state files so that readers (the launcher) see the old or the new content, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/> and renames it over.</summary>
    public static void Write(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
