using Microsoft.Data.Sqlite;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>The event log in SQLite.</summary>
internal sealed class SqliteEventStore(SqliteSession session) : IEventStore
{
    private const string Columns = "id, time, kind, severity, message, source, server_id, ino, chunk_id, path";

    /// <inheritdoc />
    public ClusterEvent Append(NewEventRecord newEvent)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        return session.QueryFirst(
            $"""
            INSERT INTO events (time, kind, severity, message, source, server_id, ino, chunk_id, path)
            VALUES ($time, $kind, $severity, $message, $source, $server, $ino, $chunk, $path)
            RETURNING {Columns}
            """,
            ReadEvent,
            ("$time", SqliteTime.ToStored(newEvent.Time)),
            ("$kind", newEvent.Kind),
            ("$severity", (int)newEvent.Severity),
            ("$message", newEvent.Message),
            ("$source", newEvent.Source),
            ("$server", newEvent.ServerId),
            ("$ino", newEvent.Ino),
            ("$chunk", newEvent.ChunkId),
            ("$path", newEvent.Path))!;
    }

    /// <inheritdoc />
    public IReadOnlyList<ClusterEvent> List(long after, int limit, string? kindPrefix) =>
        kindPrefix is null
            ? session.Query($"SELECT {Columns} FROM events WHERE id > $after ORDER BY id LIMIT $limit", ReadEvent, ("$after", after), ("$limit", limit))
            : session.Query(
                $"SELECT {Columns} FROM events WHERE id > $after AND substr(kind, 1, length($prefix)) = $prefix ORDER BY id LIMIT $limit",
                ReadEvent,
                ("$after", after),
                ("$limit", limit),
                ("$prefix", kindPrefix));

    /// <inheritdoc />
    public long LastId() => session.Long("SELECT MAX(id) FROM events");

    private static ClusterEvent ReadEvent(SqliteDataReader r) => new(
        r.GetInt64(0),
        SqliteTime.FromStored(r.GetInt64(1)),
        r.GetString(2),
        (EventSeverity)r.GetInt32(3),
        r.GetString(4),
        r.GetString(5),
        r.IsDBNull(6) ? null : r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetInt64(8),
        r.IsDBNull(9) ? null : r.GetString(9));
}
