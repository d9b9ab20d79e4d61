using System.Globalization;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// What the launcher's run record needs from <c>/proc</c>: the boot id and a process's start time in clock ticks
/// since boot (field 22 of <c>/proc/PID/stat</c>), which together with the pid identify a process for good.
/// </summary>
public static class ProcStat
{
    /// <summary>This boot's id, or "unknown".</summary>
    public static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>The start time of <paramref name="pid"/> in clock ticks since boot, or null when it is gone.</summary>
    public static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        return ParseStartTicks(stat);
    }

    /// <summary>Field 22 of a <c>/proc/PID/stat</c> line; the command name (field 2) may hold spaces and parentheses.</summary>
    public static long? ParseStartTicks(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 > stat.Length)
        {
            return null;
        }

        // After ") " come fields 3 (state) onwards: field 22 is the 20th of them.
        var fields = stat[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }
}
