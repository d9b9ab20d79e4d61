namespace ReplicaFs.Api.Meta.Storage;

/// <summary>
/// The metadata server's database. Every operation runs as one transaction: a write either applies completely
/// and durably before the call returns, or not at all. Writes are serialized; reads see a consistent snapshot.
/// </summary>
/// <remarks>
/// The work callbacks are synchronous because the embedded store (SQLite) is; an implementation over a network
/// database can run them on its driver's synchronous API. Endpoints and services never see SQL, only
/// <see cref="IMetaTransaction"/>.
/// </remarks>
internal interface IMetaDatabase
{
    /// <summary>Runs <paramref name="read"/> in a read-only transaction (a consistent snapshot).</summary>
    Task<T> ReadAsync<T>(Func<IMetaTransaction, T> read, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="write"/> in a write transaction and commits it durably when it returns. If it throws,
    /// nothing it did is kept and the exception propagates.
    /// </summary>
    Task<T> WriteAsync<T>(Func<IMetaTransaction, T> write, CancellationToken cancellationToken = default);
}
