using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>Reading the chunk map: a file's chunks, or one chunk.</summary>
internal sealed class ChunkMapReader(IMetaDatabase database, ActiveClusterSettings cluster)
{
    /// <summary>Chunks of a regular file with index in [<paramref name="from"/>, from + count), every replica, the size and chunk size.</summary>
    public Task<ChunkMapPage> GetChunksAsync(long ino, long from, int? count, CancellationToken cancellationToken)
    {
        if (from < 0)
        {
            throw new PosixException(Errno.EINVAL, "'from' cannot be negative.");
        }

        var take = count ?? ChunkMapLimits.DefaultPageCount;
        if (take is < 1 or > ChunkMapLimits.MaxPageCount)
        {
            throw new PosixException(Errno.EINVAL, $"'count' must be between 1 and {ChunkMapLimits.MaxPageCount}.");
        }

        var to = from > long.MaxValue - take ? long.MaxValue : from + take;
        return database.ReadAsync(tx =>
        {
            var inode = tx.RequireFile(ino);
            var replicas = tx.Chunks.ListReplicas(ino, from, to).ToLookup(r => r.ChunkId);
            var chunks = tx.Chunks.ListChunks(ino, from, to).Select(c => c.ToInfo(replicas[c.ChunkId])).ToList();
            return new ChunkMapPage(ino, inode.Size, cluster.ChunkSize, chunks);
        }, cancellationToken);
    }

    /// <summary>One chunk with its replicas; ENOENT if unknown.</summary>
    public Task<ChunkInfo> GetChunkAsync(long chunkId, CancellationToken cancellationToken) =>
        database.ReadAsync(tx =>
        {
            var chunk = tx.Chunks.GetChunk(chunkId) ?? throw new PosixException(Errno.ENOENT, $"There is no chunk {chunkId}.");
            return chunk.ToInfo(tx.Chunks.ListReplicas(chunkId));
        }, cancellationToken);
}
