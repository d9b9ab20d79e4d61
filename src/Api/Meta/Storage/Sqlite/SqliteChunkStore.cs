using Microsoft.Data.Sqlite;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Chunks, replicas, leases and the garbage list in SQLite.</summary>
internal sealed class SqliteChunkStore(SqliteSession session) : IChunkStore
{
    private const string ChunkColumns = "id, ino, idx, version, length, checksum, stored_length";

    private const string ReplicaSelect =
        "SELECT r.chunk_id, r.server_id, s.url, r.state, r.version FROM replicas r JOIN servers s ON s.id = r.server_id";

    /// <inheritdoc />
    public ChunkRecord? GetChunk(long chunkId) =>
        session.QueryFirst($"SELECT {ChunkColumns} FROM chunks WHERE id = $id", ReadChunk, ("$id", chunkId));

    /// <inheritdoc />
    public ChunkRecord? GetChunkAt(long ino, long index) =>
        session.QueryFirst($"SELECT {ChunkColumns} FROM chunks WHERE ino = $ino AND idx = $idx", ReadChunk, ("$ino", ino), ("$idx", index));

    /// <inheritdoc />
    public IReadOnlyList<ChunkRecord> ListChunks(long ino, long fromIndex, long toIndex) =>
        session.Query(
            $"SELECT {ChunkColumns} FROM chunks WHERE ino = $ino AND idx >= $from AND idx < $to ORDER BY idx",
            ReadChunk,
            ("$ino", ino),
            ("$from", fromIndex),
            ("$to", toIndex));

    /// <inheritdoc />
    public IReadOnlyList<ReplicaRecord> ListReplicas(long ino, long fromIndex, long toIndex) =>
        session.Query(
            $"{ReplicaSelect} JOIN chunks c ON c.id = r.chunk_id WHERE c.ino = $ino AND c.idx >= $from AND c.idx < $to ORDER BY c.idx, r.server_id",
            ReadReplica,
            ("$ino", ino),
            ("$from", fromIndex),
            ("$to", toIndex));

    /// <inheritdoc />
    public IReadOnlyList<ReplicaRecord> ListReplicas(long chunkId) =>
        session.Query($"{ReplicaSelect} WHERE r.chunk_id = $id ORDER BY r.server_id", ReadReplica, ("$id", chunkId));

    /// <inheritdoc />
    public long CommittedEnd(long ino, int chunkSize) =>
        session.Long(
            "SELECT MAX(idx * $size + length) FROM chunks WHERE ino = $ino AND version > 0",
            ("$ino", ino),
            ("$size", chunkSize));

    /// <inheritdoc />
    public ChunkRecord CreateChunk(long ino, long index, string emptyChecksum)
    {
        var id = session.Long(
            "INSERT INTO chunks (ino, idx, version, length, checksum) VALUES ($ino, $idx, 0, 0, $checksum) RETURNING id",
            ("$ino", ino),
            ("$idx", index),
            ("$checksum", emptyChecksum));
        return new ChunkRecord(id, ino, index, 0, 0, emptyChecksum, 0);
    }

    /// <inheritdoc />
    public void AddReplica(long chunkId, int serverId, ReplicaState state, long version) =>
        session.Execute(
            "INSERT INTO replicas (chunk_id, server_id, state, version) VALUES ($chunk, $server, $state, $version)",
            ("$chunk", chunkId),
            ("$server", serverId),
            ("$state", (int)state),
            ("$version", version));

    /// <inheritdoc />
    public void UpdateReplica(long chunkId, int serverId, ReplicaState state, long version) =>
        session.Execute(
            "UPDATE replicas SET state = $state, version = $version WHERE chunk_id = $chunk AND server_id = $server",
            ("$chunk", chunkId),
            ("$server", serverId),
            ("$state", (int)state),
            ("$version", version));

    /// <inheritdoc />
    public void CommitChunk(long chunkId, long version, long length, string checksum) =>
        session.Execute(
            "UPDATE chunks SET version = $version, length = $length, stored_length = $length, checksum = $checksum WHERE id = $id",
            ("$id", chunkId),
            ("$version", version),
            ("$length", length),
            ("$checksum", checksum));

    /// <inheritdoc />
    public void SetChunkLength(long chunkId, long length) =>
        session.Execute("UPDATE chunks SET length = $length WHERE id = $id", ("$id", chunkId), ("$length", length));

    /// <inheritdoc />
    public void AddLease(long chunkId, long version, DateTimeOffset grantedAt) =>
        session.Execute(
            "INSERT INTO leases (chunk_id, version, granted_at) VALUES ($chunk, $version, $at)",
            ("$chunk", chunkId),
            ("$version", version),
            ("$at", SqliteTime.ToStored(grantedAt)));

    /// <inheritdoc />
    public bool HasLease(long chunkId, long version) =>
        session.Scalar("SELECT 1 FROM leases WHERE chunk_id = $chunk AND version = $version", ("$chunk", chunkId), ("$version", version)) is not null;

    /// <inheritdoc />
    public void RetireLeases(long chunkId, long version) =>
        session.Execute("DELETE FROM leases WHERE chunk_id = $chunk AND version <= $version", ("$chunk", chunkId), ("$version", version));

    /// <inheritdoc />
    public int DiscardChunks(long ino, long fromIndex, string reason, DateTimeOffset time)
    {
        session.Execute(
            """
            INSERT INTO garbage (chunk_id, server_id, ino, idx, version, reason, queued_at)
            SELECT c.id, r.server_id, c.ino, c.idx, c.version, $reason, $at
            FROM chunks c JOIN replicas r ON r.chunk_id = c.id
            WHERE c.ino = $ino AND c.idx >= $from
            ORDER BY c.idx, r.server_id
            """,
            ("$ino", ino),
            ("$from", fromIndex),
            ("$reason", reason),
            ("$at", SqliteTime.ToStored(time)));
        const string Doomed = "SELECT id FROM chunks WHERE ino = $ino AND idx >= $from";
        session.Execute($"DELETE FROM leases WHERE chunk_id IN ({Doomed})", ("$ino", ino), ("$from", fromIndex));
        session.Execute($"DELETE FROM replicas WHERE chunk_id IN ({Doomed})", ("$ino", ino), ("$from", fromIndex));
        return session.Execute("DELETE FROM chunks WHERE ino = $ino AND idx >= $from", ("$ino", ino), ("$from", fromIndex));
    }

    /// <inheritdoc />
    public int MarkServerReplicasMissing(int serverId) =>
        session.Execute(
            "UPDATE replicas SET state = $missing, version = 0 WHERE server_id = $server",
            ("$server", serverId),
            ("$missing", (int)ReplicaState.Missing));

    /// <inheritdoc />
    public long CountReplicasToRebuild(int serverId) =>
        session.Long(
            """
            SELECT COUNT(*) FROM replicas r JOIN chunks c ON c.id = r.chunk_id
            WHERE r.server_id = $server AND r.state IN ($missing, $rebuilding) AND c.version > 0
            """,
            ("$server", serverId),
            ("$missing", (int)ReplicaState.Missing),
            ("$rebuilding", (int)ReplicaState.Rebuilding));

    /// <inheritdoc />
    public long CountGarbage() => session.Long("SELECT COUNT(*) FROM garbage");

    private static ChunkRecord ReadChunk(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetString(5), r.GetInt64(6));

    private static ReplicaRecord ReadReplica(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetInt32(1), r.GetString(2), (ReplicaState)r.GetInt32(3), r.GetInt64(4));
}
