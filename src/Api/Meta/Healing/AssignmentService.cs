using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// Replica assignments: the replicas of committed chunks a data server should hold but does not hold in good shape
/// (missing, stale, corrupt or rebuilding), with where to copy them from. One mechanism for rebuild, catch-up and
/// repair after scrubbing: the server pulls the committed version from a source, verifies it and reports it Ok.
/// </summary>
internal sealed class AssignmentService(IMetaDatabase database, UnavailableChunkNotices notices, TimeProvider clock)
{
    /// <summary>Assignments per page when no limit is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Chunks named in one warning event.</summary>
    private const int NamedInEvent = 5;

    /// <summary>
    /// The first <paramref name="limit"/> assignments of <paramref name="serverId"/>, fewest live copies first, with
    /// the totals of everything pending. Chunks without any valid source are left out and named in a
    /// <c>chunk.unavailable</c> warning the first time they are seen. ENOENT for an unknown server.
    /// </summary>
    public async Task<ReplicaAssignmentPage> GetAsync(int serverId, int? limit, CancellationToken cancellationToken)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            throw new PosixException(Errno.EINVAL, $"'limit' must be between 1 and {MaxLimit}.");
        }

        var (page, sourceless) = await database.ReadAsync(tx =>
        {
            _ = tx.Cluster.GetServer(serverId) ?? throw new PosixException(Errno.ENOENT, $"There is no data server {serverId}.");
            var pending = tx.Healing.ListPendingReplicas(serverId, take);
            var copies = tx.Healing.ListValidCopies([.. pending.Select(p => p.ChunkId)])
                .Where(c => c.ServerId != serverId)
                .ToLookup(c => c.ChunkId);
            var (remaining, remainingBytes) = tx.Healing.CountPendingReplicas(serverId);
            var assignments = pending
                .Select(p => new ReplicaAssignment(p.ChunkId, ChunkKey.FromId(p.ChunkId), p.Version, p.StoredLength, p.Checksum, p.State, p.LiveCopies,
                    BestFirst(copies[p.ChunkId], p.ChunkId)))
                .ToList();
            return (new ReplicaAssignmentPage(assignments, remaining, remainingBytes), tx.Healing.ListSourcelessReplicas(serverId));
        }, cancellationToken);

        var fresh = notices.Notice(serverId, sourceless);
        if (fresh.Count > 0)
        {
            try
            {
                await WarnAsync(serverId, fresh, cancellationToken);
            }
            catch
            {
                notices.Retract(serverId, fresh);
                throw;
            }
        }

        return page;
    }

    /// <summary>
    /// Up servers before rebuilding ones; among equals the order rotates with the chunk id, so that a rebuild reads
    /// from every source evenly instead of all from the lowest id.
    /// </summary>
    private static List<ReplicaTarget> BestFirst(IEnumerable<ValidCopy> copies, long chunkId) =>
        [.. copies
            .GroupBy(c => c.ServerState == ServerState.Up ? 0 : 1)
            .OrderBy(g => g.Key)
            .SelectMany(g =>
            {
                var servers = g.OrderBy(c => c.ServerId).ToList();
                var start = (int)(chunkId % servers.Count);
                return servers.Skip(start).Concat(servers.Take(start));
            })
            .Select(c => new ReplicaTarget(c.ServerId, c.Url))];

    private Task<ClusterEvent> WarnAsync(int serverId, IReadOnlyList<long> chunkIds, CancellationToken cancellationToken) =>
        database.WriteAsync(tx =>
        {
            var server = tx.Cluster.GetServer(serverId)!;
            var chunks = chunkIds.Take(NamedInEvent).Select(tx.Chunks.GetChunk).OfType<ChunkRecord>().ToList();
            var named = string.Join(", ", chunks.Select(c => $"{EventText.File(tx.Namespace.PathOf(c.Ino), c.Ino)} {EventText.Chunk(c)}"));
            var more = chunkIds.Count > chunks.Count ? $" and {chunkIds.Count - chunks.Count} more" : string.Empty;
            var only = chunks.Count == 1 && chunkIds.Count == 1 ? chunks[0] : null;
            return tx.Events.Append(new NewEventRecord(clock.GetUtcNow(), EventKinds.ChunkUnavailable, EventSeverity.Warning,
                $"{server.Name} cannot repair {EventText.Count(chunkIds.Count, "chunk")}: no live server holds a valid copy of {named}{more}. " +
                "They cannot be read until a server holding a valid copy comes back.",
                "meta", serverId, only?.Ino, only?.ChunkId, only is null ? null : tx.Namespace.PathOf(only.Ino)));
        }, cancellationToken);
}
