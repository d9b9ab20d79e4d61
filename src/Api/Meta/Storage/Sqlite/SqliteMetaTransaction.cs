namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>The stores of one SQLite transaction.</summary>
internal sealed class SqliteMetaTransaction(SqliteSession session) : IMetaTransaction
{
    private SqliteNamespaceStore? _namespace;
    private SqliteChunkStore? _chunks;
    private SqliteClusterStore? _cluster;
    private SqliteEventStore? _events;
    private SqliteSelfHealingStore? _healing;
    private SqliteHealthStore? _health;

    /// <inheritdoc />
    public INamespaceStore Namespace => _namespace ??= new SqliteNamespaceStore(session);

    /// <inheritdoc />
    public IChunkStore Chunks => _chunks ??= new SqliteChunkStore(session);

    /// <inheritdoc />
    public IClusterStore Cluster => _cluster ??= new SqliteClusterStore(session);

    /// <inheritdoc />
    public IEventStore Events => _events ??= new SqliteEventStore(session);

    /// <inheritdoc />
    public ISelfHealingStore Healing => _healing ??= new SqliteSelfHealingStore(session);

    /// <inheritdoc />
    public IHealthStore Health => _health ??= new SqliteHealthStore(session);
}
