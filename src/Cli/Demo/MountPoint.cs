namespace ReplicaFs.Cli.Demo;

/// <summary>Whether a directory is a mounted ReplicaFs file system, from the kernel's mount table.</summary>
internal static class MountPoint
{
    /// <summary>The file system type the FUSE client mounts with.</summary>
    public const string FileSystemType = "fuse.replicafs";

    /// <summary>The type of the file system mounted at <paramref name="directory"/>, or null when nothing is mounted there.</summary>
    public static string? TypeAt(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var wanted = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "id parent major:minor root mount-point options [optional fields] - type source super-options"
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 0 && separator + 1 < fields.Length && Unescape(fields[4]) == wanted)
            {
                return fields[separator + 1];
            }
        }

        return null;
    }

    /// <summary>The kernel escapes space, tab, newline and backslash in mount points as octal (\040).</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal)
            .Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal)
            .Replace("\\134", "\\", StringComparison.Ordinal);
}
