using Microsoft.Data.Sqlite;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Self-healing queries and changes in SQLite.</summary>
internal sealed class SqliteSelfHealingStore(SqliteSession session) : ISelfHealingStore
{
    /// <summary>Ids of the live servers (up = 0, rebuilding = 3).</summary>
    private const string LiveServers = "(SELECT id FROM servers WHERE state IN (0, 3))";

    /// <summary>Replicas of committed chunks on $server that are not Ok, with the valid copies elsewhere.</summary>
    private const string Pending =
        $"""
        SELECT c.id AS chunk_id, c.version, c.stored_length, c.checksum, r.state,
            (SELECT COUNT(*) FROM replicas o
             WHERE o.chunk_id = c.id AND o.server_id <> $server AND o.state = 0 AND o.server_id IN {LiveServers}) AS live
        FROM replicas r JOIN chunks c ON c.id = r.chunk_id
        WHERE r.server_id = $server AND r.state <> 0 AND c.version > 0
        """;

    /// <summary>
    /// The replicas on $server with their chunk, the valid copies elsewhere, and whether an up server outside the
    /// replica set could take the replica.
    /// </summary>
    private const string OnServer =
        $"""
        SELECT c.id, c.ino, c.idx, c.version, r.state,
            (SELECT COUNT(*) FROM replicas o
             WHERE o.chunk_id = c.id AND o.server_id <> $server AND o.state = 0 AND o.server_id IN {LiveServers}) AS live,
            {HasUpServerOutside} AS has_target
        FROM replicas r JOIN chunks c ON c.id = r.chunk_id
        WHERE r.server_id = $server
        """;

    /// <summary>The replica is the only copy of the committed version that may still be good: moving it would lose the chunk.</summary>
    private const string OnlyCopy = "(state = 0 AND version > 0 AND live = 0)";

    /// <summary>A replica that can move: a target exists and it is not the only copy.</summary>
    private const string Movable = $"(has_target AND NOT {OnlyCopy})";

    /// <summary>Whether chunk c has an up server outside its replica set.</summary>
    private const string HasUpServerOutside =
        "EXISTS (SELECT 1 FROM servers u WHERE u.state = 0 AND NOT EXISTS (SELECT 1 FROM replicas m WHERE m.chunk_id = c.id AND m.server_id = u.id))";

    /// <inheritdoc />
    public IReadOnlyList<PendingReplica> ListPendingReplicas(int serverId, int limit) =>
        session.Query(
            $"SELECT chunk_id, version, stored_length, checksum, state, live FROM ({Pending}) WHERE live > 0 ORDER BY live, chunk_id LIMIT $limit",
            r => new PendingReplica(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), (ReplicaState)r.GetInt32(4), r.GetInt32(5)),
            ("$server", serverId),
            ("$limit", limit));

    /// <inheritdoc />
    public (long Count, long Bytes) CountPendingReplicas(int serverId) =>
        session.Query(
            $"SELECT COUNT(*), COALESCE(SUM(stored_length), 0) FROM ({Pending}) WHERE live > 0",
            r => (r.GetInt64(0), r.GetInt64(1)),
            ("$server", serverId))[0];

    /// <inheritdoc />
    public IReadOnlyList<long> ListSourcelessReplicas(int serverId) =>
        session.Query($"SELECT chunk_id FROM ({Pending}) WHERE live = 0 ORDER BY chunk_id", r => r.GetInt64(0), ("$server", serverId));

    /// <inheritdoc />
    public IReadOnlyList<ValidCopy> ListValidCopies(IReadOnlyCollection<long> chunkIds) =>
        chunkIds.Count == 0
            ? []
            : session.Query(
                """
                SELECT r.chunk_id, r.server_id, s.url, s.state
                FROM (SELECT DISTINCT value AS id FROM json_each($ids)) j
                JOIN replicas r ON r.chunk_id = j.id JOIN servers s ON s.id = r.server_id
                WHERE r.state = 0 AND s.state IN (0, 3)
                ORDER BY r.chunk_id, r.server_id
                """,
                r => new ValidCopy(r.GetInt64(0), r.GetInt32(1), r.GetString(2), (ServerState)r.GetInt32(3)),
                ("$ids", SqliteIdList.ToJson(chunkIds)));

    /// <inheritdoc />
    public IReadOnlyList<GarbageFacts> GetGarbageFacts(int serverId, IReadOnlyCollection<long> chunkIds) =>
        chunkIds.Count == 0
            ? []
            : session.Query(
                """
                SELECT c.id, c.version, c.stored_length, c.checksum, r.state
                FROM (SELECT DISTINCT value AS id FROM json_each($ids)) j
                JOIN chunks c ON c.id = j.id
                LEFT JOIN replicas r ON r.chunk_id = c.id AND r.server_id = $server
                """,
                r => new GarbageFacts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : (ReplicaState)r.GetInt32(4)),
                ("$ids", SqliteIdList.ToJson(chunkIds)),
                ("$server", serverId));

    /// <inheritdoc />
    public IReadOnlyList<LeaseRecord> ListLeases(IReadOnlyCollection<long> chunkIds) =>
        chunkIds.Count == 0
            ? []
            : session.Query(
                "SELECT l.chunk_id, l.version, l.granted_at FROM (SELECT DISTINCT value AS id FROM json_each($ids)) j JOIN leases l ON l.chunk_id = j.id",
                r => new LeaseRecord(r.GetInt64(0), r.GetInt64(1), SqliteTime.FromStored(r.GetInt64(2))),
                ("$ids", SqliteIdList.ToJson(chunkIds)));

    /// <inheritdoc />
    public long HighestChunkId() => session.Long("SELECT seq FROM sqlite_sequence WHERE name = 'chunks'");

    /// <inheritdoc />
    public void QueueGarbage(ChunkRecord chunk, int serverId, string reason, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        session.Execute(
            "INSERT INTO garbage (chunk_id, server_id, ino, idx, version, reason, queued_at) VALUES ($chunk, $server, $ino, $idx, $version, $reason, $at)",
            ("$chunk", chunk.ChunkId),
            ("$server", serverId),
            ("$ino", chunk.Ino),
            ("$idx", chunk.Index),
            ("$version", chunk.Version),
            ("$reason", reason),
            ("$at", SqliteTime.ToStored(time)));
    }

    /// <inheritdoc />
    public bool IsQueuedAsGarbage(long chunkId, int serverId, string reason) =>
        session.Scalar(
            "SELECT 1 FROM garbage WHERE chunk_id = $chunk AND server_id = $server AND reason = $reason LIMIT 1",
            ("$chunk", chunkId),
            ("$server", serverId),
            ("$reason", reason)) is not null;

    /// <inheritdoc />
    public int PruneGarbage(int serverId, IReadOnlyCollection<long> chunkIds) =>
        chunkIds.Count == 0
            ? 0
            : session.Execute(
                "DELETE FROM garbage WHERE server_id = $server AND chunk_id IN (SELECT value FROM json_each($ids))",
                ("$server", serverId),
                ("$ids", SqliteIdList.ToJson(chunkIds)));

    /// <inheritdoc />
    public int PruneGarbage(int serverId) => session.Execute("DELETE FROM garbage WHERE server_id = $server", ("$server", serverId));

    /// <inheritdoc />
    public bool RemoveReplica(long chunkId, int serverId) =>
        session.Execute("DELETE FROM replicas WHERE chunk_id = $chunk AND server_id = $server", ("$chunk", chunkId), ("$server", serverId)) > 0;

    /// <inheritdoc />
    public IReadOnlyList<ReplicaMoveCandidate> ListMovableReplicas(int serverId, int limit) =>
        session.Query(
            $"SELECT id, ino, idx, version, live FROM ({OnServer}) WHERE {Movable} ORDER BY version = 0, live, id LIMIT $limit",
            ReadCandidate,
            ("$server", serverId),
            ("$limit", limit));

    /// <inheritdoc />
    public ReplicaMoveCounts CountReplicasToMove(int serverId) =>
        session.Query(
            $"""
            SELECT COALESCE(SUM({Movable}), 0), COALESCE(SUM(NOT has_target AND NOT {OnlyCopy}), 0), COALESCE(SUM({OnlyCopy}), 0)
            FROM ({OnServer})
            """,
            r => new ReplicaMoveCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)),
            ("$server", serverId))[0];

    /// <inheritdoc />
    public IReadOnlyList<ReplicaMoveCandidate> ListUndersizedChunks(int desired, int limit) =>
        session.Query(
            $"""
            SELECT c.id, c.ino, c.idx, c.version, u.live
            FROM (SELECT r.chunk_id, SUM(r.state = 0 AND r.server_id IN {LiveServers}) AS live
                  FROM replicas r GROUP BY r.chunk_id HAVING COUNT(*) < $desired) u
            JOIN chunks c ON c.id = u.chunk_id
            WHERE {HasUpServerOutside}
            ORDER BY c.version = 0, u.live, c.id
            LIMIT $limit
            """,
            ReadCandidate,
            ("$desired", desired),
            ("$limit", limit));

    private static ReplicaMoveCandidate ReadCandidate(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4));
}
