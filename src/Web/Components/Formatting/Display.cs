using System.Globalization;

namespace ReplicaFs.Web.Components.Formatting;

/// <summary>How numbers, sizes, durations and times read on the dashboard (invariant culture, binary units).</summary>
public static class Display
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>"0 B", "512 B", "1.5 KiB", "12.3 MiB", "1.02 GiB".</summary>
    public static string Bytes(double bytes)
    {
        if (bytes < 1024)
        {
            return $"{bytes.ToString("0", CultureInfo.InvariantCulture)} B";
        }

        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        var format = bytes >= 100 ? "0" : bytes >= 10 ? "0.0" : "0.00";
        return $"{bytes.ToString(format, CultureInfo.InvariantCulture)} {Units[unit]}";
    }

    /// <summary>A byte rate: "1.20 MiB/s".</summary>
    public static string Rate(double bytesPerSecond) => Bytes(bytesPerSecond) + "/s";

    /// <summary>A count with thousands separators: "12,345".</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A rate of things per second: "0", "0.4", "12", "1,234".</summary>
    public static string PerSecond(double value) =>
        value.ToString(value is > 0 and < 10 ? "0.#" : "N0", CultureInfo.InvariantCulture);

    /// <summary>A duration for "… ago": "0.4 s", "12 s", "3 min", "2 h", "4 d".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds switch
        {
            < 10 => $"{age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s",
            < 120 => $"{age.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s",
            < 7200 => $"{age.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min",
            < 172800 => $"{age.TotalHours.ToString("0", CultureInfo.InvariantCulture)} h",
            _ => $"{age.TotalDays.ToString("0", CultureInfo.InvariantCulture)} d",
        };
    }

    /// <summary>Milliseconds: "0.42 ms", "12.3 ms", "250 ms".</summary>
    public static string Milliseconds(double ms) =>
        $"{ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture)} ms";

    /// <summary>A time of day in the dashboard server's time zone: "14:03:27".</summary>
    public static string Clock(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A full timestamp: "2026-11-24 14:03:27.123 +01:00".</summary>
    public static string Timestamp(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture);

    /// <summary>A percentage of done over total: 0–100 (0 when total is 0).</summary>
    public static double Percent(long done, long total) => total <= 0 ? 0 : Math.Clamp(100.0 * done / total, 0, 100);

    /// <summary>A file mode in ls style: "-rw-r--r--", "drwxr-xr-x".</summary>
    public static string Mode(uint mode, FileKindLetter kind)
    {
        Span<char> text = stackalloc char[10];
        text[0] = (char)kind;
        const string Letters = "rwxrwxrwx";
        for (var i = 0; i < 9; i++)
        {
            text[i + 1] = (mode & (1u << (8 - i))) != 0 ? Letters[i] : '-';
        }

        return new string(text);
    }
}

/// <summary>The first letter of an ls-style mode.</summary>
public enum FileKindLetter
{
    /// <summary>A regular file.</summary>
    File = '-',

    /// <summary>A directory.</summary>
    Directory = 'd',

    /// <summary>A symbolic link.</summary>
    Symlink = 'l',
}
