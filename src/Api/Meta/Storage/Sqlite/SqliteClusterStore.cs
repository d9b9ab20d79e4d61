using System.Globalization;
using Microsoft.Data.Sqlite;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Settings, the version counter and data servers in SQLite.</summary>
internal sealed class SqliteClusterStore(SqliteSession session) : IClusterStore
{
    private const string ServerColumns =
        "id, name, url, instance_id, state, state_since, registered_at, last_heartbeat, chunk_count, bytes_stored, capacity_bytes, free_bytes, replica_count, rebuilt_replicas";

    /// <inheritdoc />
    public ClusterSettings? GetSettings()
    {
        var values = session.Query("SELECT key, value FROM settings", r => (Key: r.GetString(0), Value: r.GetValue(1)))
            .ToDictionary(p => p.Key, p => p.Value);
        if (!values.TryGetValue("cluster_id", out var clusterId))
        {
            return null;
        }

        return new ClusterSettings(
            Convert.ToString(clusterId, CultureInfo.InvariantCulture)!,
            Convert.ToInt32(values["replicas"], CultureInfo.InvariantCulture),
            Convert.ToInt32(values["chunk_size"], CultureInfo.InvariantCulture),
            SqliteTime.FromStored(Convert.ToInt64(values["created_at"], CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public void CreateSettings(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string Insert = "INSERT INTO settings (key, value) VALUES ($key, $value)";
        session.Execute(Insert, ("$key", "cluster_id"), ("$value", settings.ClusterId));
        session.Execute(Insert, ("$key", "replicas"), ("$value", settings.Replicas));
        session.Execute(Insert, ("$key", "chunk_size"), ("$value", settings.ChunkSize));
        session.Execute(Insert, ("$key", "created_at"), ("$value", SqliteTime.ToStored(settings.CreatedAt)));
        session.Execute(Insert, ("$key", "next_version"), ("$value", 1L));
    }

    /// <inheritdoc />
    public long ReserveVersions(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var next = session.Long(
            "UPDATE settings SET value = value + $count WHERE key = 'next_version' RETURNING value",
            ("$count", count));
        if (next == 0)
        {
            throw new InvalidOperationException("The version counter is missing; the cluster was not created.");
        }

        return next - count;
    }

    /// <inheritdoc />
    public ServerRecord? GetServer(int id) =>
        session.QueryFirst($"SELECT {ServerColumns} FROM servers WHERE id = $id", ReadServer, ("$id", id));

    /// <inheritdoc />
    public ServerRecord? FindServer(string url) =>
        session.QueryFirst($"SELECT {ServerColumns} FROM servers WHERE url = $url", ReadServer, ("$url", url));

    /// <inheritdoc />
    public IReadOnlyList<ServerRecord> ListServers() =>
        session.Query($"SELECT {ServerColumns} FROM servers ORDER BY id", ReadServer);

    /// <inheritdoc />
    public ServerRecord? FindServerByName(string name) =>
        session.QueryFirst($"SELECT {ServerColumns} FROM servers WHERE name = $name COLLATE NOCASE", ReadServer, ("$name", name));

    /// <inheritdoc />
    public IReadOnlyDictionary<int, string> ServerNames() =>
        session.Query("SELECT id, name FROM servers", r => (Id: r.GetInt32(0), Name: r.IsDBNull(1) ? ServerRecord.DefaultName(r.GetInt32(0)) : r.GetString(1)))
            .ToDictionary(p => p.Id, p => p.Name);

    /// <inheritdoc />
    public ServerRecord AddServer(string url, string? name, string instanceId, ServerState state, DateTimeOffset time, DataServerStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var id = session.Long(
            """
            INSERT INTO servers (name, url, instance_id, state, state_since, registered_at, last_heartbeat, chunk_count, bytes_stored, capacity_bytes, free_bytes)
            VALUES ($name, $url, $instance, $state, $at, $at, $at, $chunks, $bytes, $capacity, $free)
            RETURNING id
            """,
            ("$name", name),
            ("$url", url),
            ("$instance", instanceId),
            ("$state", (int)state),
            ("$at", SqliteTime.ToStored(time)),
            ("$chunks", stats.ChunkCount),
            ("$bytes", stats.BytesStored),
            ("$capacity", stats.CapacityBytes),
            ("$free", stats.FreeBytes));
        var stored = SqliteTime.FromStored(SqliteTime.ToStored(time));
        return new ServerRecord(checked((int)id), name ?? ServerRecord.DefaultName(checked((int)id)), url, instanceId, state, stored, stored, stored, stats, 0, 0);
    }

    /// <inheritdoc />
    public void UpdateServer(ServerRecord server)
    {
        ArgumentNullException.ThrowIfNull(server);
        session.Execute(
            """
            UPDATE servers SET name = $name, instance_id = $instance, state = $state, state_since = $since, last_heartbeat = $at,
                chunk_count = $chunks, bytes_stored = $bytes, capacity_bytes = $capacity, free_bytes = $free, rebuilt_replicas = $rebuilt
            WHERE id = $id
            """,
            ("$id", server.Id),
            ("$name", server.Name),
            ("$instance", server.InstanceId),
            ("$state", (int)server.State),
            ("$since", SqliteTime.ToStored(server.StateSince)),
            ("$at", SqliteTime.ToStored(server.LastHeartbeat)),
            ("$chunks", server.Stats.ChunkCount),
            ("$bytes", server.Stats.BytesStored),
            ("$capacity", server.Stats.CapacityBytes),
            ("$free", server.Stats.FreeBytes),
            ("$rebuilt", server.RebuiltReplicas));
    }

    private static ServerRecord ReadServer(SqliteDataReader r) => new(
        r.GetInt32(0),
        r.IsDBNull(1) ? ServerRecord.DefaultName(r.GetInt32(0)) : r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        (ServerState)r.GetInt32(4),
        SqliteTime.FromStored(r.GetInt64(5)),
        SqliteTime.FromStored(r.GetInt64(6)),
        SqliteTime.FromStored(r.GetInt64(7)),
        new DataServerStats(r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11)),
        r.GetInt64(12),
        r.GetInt64(13));
}
