namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Wall-clock times are stored as milliseconds since the Unix epoch.</summary>
internal static class SqliteTime
{
    /// <summary>To the stored form.</summary>
    public static long ToStored(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>From the stored form.</summary>
    public static DateTimeOffset FromStored(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
