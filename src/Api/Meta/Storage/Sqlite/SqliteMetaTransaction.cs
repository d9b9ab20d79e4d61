namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>The stores of one SQLite transaction.</summary>
internal sealed class SqliteMetaTransaction(SqliteSession session) : IMetaTransaction
{
    private SqliteNamespaceStore? _namespace;
    private SqliteChunkStore? _chunks;
    private SqliteClusterStore? _cluster;
    private SqliteEventStore? _events;

    /// <inheritdoc />
    public INamespaceStore Namespace => _namespace ??= new SqliteNamespaceStore(session);

    /// <inheritdoc />
    public IChunkStore Chunks => _chunks ??= new SqliteChunkStore(session);

    /// <inheritdoc />
    public IClusterStore Cluster => _cluster ??= new SqliteClusterStore(session);

    /// <inheritdoc />
    public IEventStore Events => _events ??= new SqliteEventStore(session);
}
