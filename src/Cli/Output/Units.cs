using System.Globalization;
using ReplicaFs.Contracts.Text;

namespace ReplicaFs.Cli.Output;

/// <summary>Numbers for people: bytes in binary units, durations, ages, times of day in UTC.</summary>
internal static class Units
{
    /// <summary>"0 B", "512 B", "1.5 KiB", "40.0 MiB": the same figures as the servers' event messages.</summary>
    public static string Bytes(long bytes) => ByteCountText.Format(bytes);

    /// <summary>"0.4 s", "12 s", "3 min 4 s", "2 h 5 min".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalSeconds switch
        {
            < 10 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s"),
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0} s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min"),
        };
    }

    /// <summary>"75%", with the part of a whole (0 when the whole is 0).</summary>
    public static string Percent(long part, long whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{(whole <= 0 ? 100 : Math.Clamp(100.0 * part / whole, 0, 100)):0}%");

    /// <summary>A rate in MB/s (10^6 bytes, as the servers' --rebuild-rate and --scrub-rate count).</summary>
    public static string Rate(long bytes, TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero
            ? "-"
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6 / elapsed.TotalSeconds:0.0} MB/s");

    /// <summary>"12:01:05 UTC", with the date when it is not the day of <paramref name="now"/>.</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset now)
    {
        var utc = time.ToUniversalTime();
        return utc.Date == now.ToUniversalTime().Date
            ? utc.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
    }

    /// <summary>A whole number with thousands separators: "12,345".</summary>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
