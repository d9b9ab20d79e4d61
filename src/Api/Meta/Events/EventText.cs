using System.Globalization;
using ReplicaFs.Api.Meta.Storage;

namespace ReplicaFs.Api.Meta.Events;

/// <summary>How event messages name files, chunks and servers, so every message reads the same way.</summary>
internal static class EventText
{
    /// <summary>The file's path, or a description of an unlinked inode.</summary>
    public static string File(string? path, long ino) =>
        path ?? $"unlinked inode {ino.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>"chunk 00000000000000a1 (index 3)".</summary>
    public static string Chunk(ChunkRecord chunk) =>
        $"chunk {chunk.Key} (index {chunk.Index.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>"data-2, data-3", or "none"; <paramref name="names"/> are the servers' names by id.</summary>
    public static string Servers(IEnumerable<int> ids, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var listed = ids.Select(id => Server(id, names)).ToList();
        return listed.Count == 0 ? "none" : string.Join(", ", listed);
    }

    /// <summary>A server's name, or "server N" for an id meta does not know.</summary>
    public static string Server(int id, IReadOnlyDictionary<int, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return names.TryGetValue(id, out var name) ? name : $"server {id.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>A time of day for messages: "12:01:05 UTC", with the date when it is not <paramref name="now"/>'s day.</summary>
    public static string Time(DateTimeOffset time, DateTimeOffset now)
    {
        var utc = time.ToUniversalTime();
        return utc.Date == now.ToUniversalTime().Date
            ? utc.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
    }

    /// <summary>A duration for messages: "45 s", "5 min", "2 h 10 min".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromMinutes(2))
        {
            return $"{Math.Max(0, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s";
        }

        if (duration < TimeSpan.FromHours(2))
        {
            return $"{((int)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min";
        }

        return $"{((int)duration.TotalHours).ToString(CultureInfo.InvariantCulture)} h {duration.Minutes.ToString(CultureInfo.InvariantCulture)} min";
    }

    /// <summary>"1 chunk", "3 chunks" and the like, for regular English plurals.</summary>
    public static string Count(long count, string noun) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? string.Empty : "s")}";

    /// <summary>A reason as given, or a placeholder when there is none.</summary>
    public static string Reason(string? reason) => string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();
}
