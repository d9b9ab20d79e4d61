using ReplicaFs.Contracts.Chunks;

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
    public CopyCounts CountCopies()
    {
        // Only committed chunks have Ok replicas, so grouping the Ok replicas on live servers by chunk (the primary
        // key order, no sort) counts the valid copies of every chunk that has one; the rest have none.
        var rows = session.Query(
            """
            SELECT valid, COUNT(*) FROM (
                SELECT COUNT(*) AS valid FROM replicas
                WHERE state = 0 AND server_id IN (SELECT id FROM servers WHERE state IN (0, 3))
                GROUP BY chunk_id)
            GROUP BY valid
            ORDER BY valid
            """,
            r => new CopyCountRow(r.GetInt32(0), r.GetInt64(1)));
        var committed = session.Long("SELECT COUNT(*) FROM chunks WHERE version > 0");
        var withoutCopy = committed - rows.Sum(r => r.Chunks);
        if (withoutCopy > 0)
        {
            rows.Insert(0, new CopyCountRow(0, withoutCopy));
        }

        var states = session.Query(
                "SELECT r.state, COUNT(*) FROM replicas r JOIN chunks c ON c.id = r.chunk_id WHERE r.state <> 0 AND c.version > 0 GROUP BY r.state",
                r => (State: (ReplicaState)r.GetInt32(0), Count: r.GetInt64(1)))
            .ToDictionary(p => p.State, p => p.Count);
        return new CopyCounts(
            rows,
            states.GetValueOrDefault(ReplicaState.Stale),
            states.GetValueOrDefault(ReplicaState.Corrupt),
            states.GetValueOrDefault(ReplicaState.Missing),
            states.GetValueOrDefault(ReplicaState.Rebuilding));
    }
}
