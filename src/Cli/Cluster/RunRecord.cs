using System.Globalization;

namespace ReplicaFs.Cli.Cluster;

/// <summary>
/// The run record <c>STATE/run</c> written by <c>./replicafs up</c> (and the dashboard's supervisor):
/// <c>boot BOOT-ID</c>, then <c>process NAME PID START-TICKS URL</c> lines. A record from another boot is stale.
/// </summary>
internal sealed class RunRecord
{
    private RunRecord(IReadOnlyList<Entry> entries) => Entries = entries;

    /// <summary>The recorded processes.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>One <c>process</c> line.</summary>
    public sealed record Entry(string Name, int Pid, long StartTicks, string Url)
    {
        /// <summary>Whether this very process still runs: same pid, same start time since boot, not a zombie.</summary>
        public bool IsAlive
        {
            get
            {
                string stat;
                try
                {
                    stat = File.ReadAllText($"/proc/{Pid}/stat");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return false;
                }

                // The command name (field 2) may hold spaces and parentheses: the fields start after its last ')'.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return rest.Length > 19
                    && rest[0] != "Z"
                    && long.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks == StartTicks;
            }
        }
    }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public Entry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>The record in <paramref name="stateDirectory"/>, or null when there is none or it is from another boot.</summary>
    public static RunRecord? Read(string stateDirectory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(stateDirectory, "run"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string? boot = null;
        var entries = new List<Entry>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["boot", var id])
            {
                boot = id;
            }
            else if (fields is ["process", var name, var pid, var ticks, var url]
                && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                entries.Add(new Entry(name, p, t, url));
            }
        }

        return boot is not null && boot == CurrentBootId() ? new RunRecord(entries) : null;
    }

    private static string? CurrentBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
