using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>
/// Write leases. Every lease carries a version from the persistent counter, so no version is ever handed out twice,
/// not even across restarts. A lease is not a lock: the commit's compare-and-swap on the base version decides.
/// </summary>
internal sealed class LeaseService(IMetaDatabase database, ActiveClusterSettings cluster, TimeProvider clock)
{
    /// <summary>The checksum of an empty chunk, recorded for chunks that have no committed data yet.</summary>
    public static readonly string EmptyChecksum = ChunkChecksum.Format(ChunkChecksum.Compute([]));

    /// <summary>
    /// Grants a lease per index. An existing chunk gets the next version with its committed version as the base; a
    /// new chunk gets a new id, base version 0 and a replica set of min(R, live) live servers, fewest replicas first,
    /// whose replicas start missing. 503 (EAGAIN) when a new chunk is needed and no data server is up.
    /// </summary>
    public Task<LeaseResponse> AcquireAsync(long ino, LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var indexes = ValidateIndexes(request.Indexes);
        return database.WriteAsync(tx =>
        {
            tx.RequireFile(ino);
            var existing = indexes.Select(index => tx.Chunks.GetChunkAt(ino, index)).ToList();
            var placement = new ReplicaPlacement(existing.Any(c => c is null) ? tx.Cluster.ListServers() : []);
            if (existing.Any(c => c is null) && placement.LiveServers == 0)
            {
                throw new PosixException(Errno.EAGAIN, "No data server is up, so new chunks cannot be placed. Start a data server (or wait for one to register) and retry.");
            }

            var now = clock.GetUtcNow();
            var firstVersion = tx.Cluster.ReserveVersions(indexes.Count);
            var leases = new List<WriteLease>(indexes.Count);
            for (var i = 0; i < indexes.Count; i++)
            {
                var chunk = existing[i];
                if (chunk is null)
                {
                    chunk = tx.Chunks.CreateChunk(ino, indexes[i], EmptyChecksum);
                    foreach (var serverId in placement.Choose(cluster.Replicas))
                    {
                        tx.Chunks.AddReplica(chunk.ChunkId, serverId, ReplicaState.Missing, 0);
                    }
                }

                var version = firstVersion + i;
                tx.Chunks.AddLease(chunk.ChunkId, version, now);
                var targets = tx.Chunks.ListReplicas(chunk.ChunkId).Select(r => new ReplicaTarget(r.ServerId, r.Url)).ToList();
                leases.Add(new WriteLease(chunk.ChunkId, chunk.Index, version, chunk.Version, targets));
            }

            return new LeaseResponse(leases);
        }, cancellationToken);
    }

    private List<long> ValidateIndexes(IReadOnlyList<long>? indexes)
    {
        if (indexes is null || indexes.Count == 0)
        {
            throw new PosixException(Errno.EINVAL, "'indexes' must list at least one chunk index.");
        }

        if (indexes.Count > ChunkMapLimits.MaxChunksPerCall)
        {
            throw new PosixException(Errno.EINVAL, $"At most {ChunkMapLimits.MaxChunksPerCall} leases per call.");
        }

        var limit = NamespaceLimits.MaxFileSize / cluster.ChunkSize;
        var seen = new HashSet<long>();
        foreach (var index in indexes)
        {
            if (index < 0)
            {
                throw new PosixException(Errno.EINVAL, $"Chunk index {index} is negative.");
            }

            if (index >= limit)
            {
                throw new PosixException(Errno.EFBIG, $"Chunk index {index} lies beyond the maximum file size ({NamespaceLimits.MaxFileSize} bytes, {limit} chunks).");
            }

            if (!seen.Add(index))
            {
                throw new PosixException(Errno.EINVAL, $"Chunk index {index} is listed twice.");
            }
        }

        return [.. indexes];
    }
}
