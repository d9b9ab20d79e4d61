using System.Globalization;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Cli.Events;

/// <summary>One event per line: id, UTC time, severity, kind, source and message.</summary>
internal static class EventFormatter
{
    /// <summary>"  1234  12:01:05.123Z  WARN   server.down          meta: data-3 has been silent for 5.2 s".</summary>
    public static string Format(ClusterEvent e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var time = e.Time.ToUniversalTime();
        var when = time.Date == now.ToUniversalTime().Date
            ? time.ToString("HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var severity = e.Severity switch
        {
            EventSeverity.Warning => "WARN ",
            EventSeverity.Error => "ERROR",
            _ => "info ",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{e.Id,6}  {when}  {severity}  {e.Kind,-20}  {e.Source}: {e.Message}");
    }
}
