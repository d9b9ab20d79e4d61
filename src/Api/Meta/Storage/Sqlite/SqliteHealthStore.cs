namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Health aggregates in SQLite: each one statement that scans its table once.</summary>
internal sealed class SqliteHealthStore(SqliteSession session) : IHealthStore
{
    /// <inheritdoc />
    public InodeTotals CountInodes() =>
        session.QueryFirst(
            "SELECT COALESCE(SUM(kind = 0), 0), COALESCE(SUM(kind = 1), 0), COALESCE(SUM(CASE WHEN kind = 0 THEN size ELSE 0 END), 0) FROM inodes",
            r => new InodeTotals(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)))!;

    /// <inheritdoc />
    public IReadOnlyList<CopyCountRow> CountCopies() =>
        session.Query(
            """
            SELECT valid, COUNT(*), SUM(stale), SUM(corrupt), SUM(missing), SUM(rebuilding)
            FROM (
                SELECT c.id,
                    COALESCE(SUM(r.state = 0 AND r.server_id IN (SELECT id FROM servers WHERE state IN (0, 3))), 0) AS valid,
                    COALESCE(SUM(r.state = 1), 0) AS stale,
                    COALESCE(SUM(r.state = 2), 0) AS corrupt,
                    COALESCE(SUM(r.state = 3), 0) AS missing,
                    COALESCE(SUM(r.state = 4), 0) AS rebuilding
                FROM chunks c LEFT JOIN replicas r ON r.chunk_id = c.id
                WHERE c.version > 0
                GROUP BY c.id)
            GROUP BY valid
            ORDER BY valid
            """,
            r => new CopyCountRow(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));
}
