using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Web.Files;

/// <summary><see cref="IFileBrowser"/> over the metadata server's REST API.</summary>
public sealed class MetaFileBrowser(IMetadataApi meta) : IFileBrowser
{
    /// <inheritdoc />
    public Task<InodeAttributes> ResolveAsync(string path, CancellationToken cancellationToken) => meta.ResolveAsync(path, cancellationToken);

    /// <inheritdoc />
    public Task<DirectoryPage> ReadDirectoryAsync(long ino, long? after, int limit, CancellationToken cancellationToken) =>
        meta.ReadDirectoryAsync(ino, after, limit, cancellationToken);

    /// <inheritdoc />
    public Task<ChunkMapPage> GetChunksAsync(long ino, long from, int count, CancellationToken cancellationToken) =>
        meta.GetChunksAsync(ino, from, count, cancellationToken);
}
