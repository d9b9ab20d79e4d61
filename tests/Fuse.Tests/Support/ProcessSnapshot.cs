namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>For failure messages: the processes whose command line matches, with their open descriptors.</summary>
internal static class ProcessSnapshot
{
    /// <summary>The descriptor numbers of <paramref name="pid"/> whose target contains <paramref name="target"/>.</summary>
    public static IReadOnlyList<int> Descriptors(int pid, string target) =>
        Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd")
            .Where(fd => new FileInfo(fd).LinkTarget?.Contains(target, StringComparison.Ordinal) == true)
            .Select(fd => int.Parse(Path.GetFileName(fd), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

    public static string Describe(params string[] commandParts)
    {
        var lines = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (!commandParts.Any(part => command.Contains(part, StringComparison.Ordinal)))
                {
                    continue;
                }

                var state = File.ReadAllLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal));
                var descriptors = Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd"))
                    .Select(fd => $"{Path.GetFileName(fd)}->{new FileInfo(fd).LinkTarget}")
                    .Where(fd => fd.Contains("fuse", StringComparison.Ordinal) || fd.Contains("socket", StringComparison.Ordinal));
                lines.Add($"{Path.GetFileName(directory)} [{state}] {command}: {string.Join(' ', descriptors)}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process went away while it was being read.
            }
        }

        return string.Join('\n', lines);
    }
}
