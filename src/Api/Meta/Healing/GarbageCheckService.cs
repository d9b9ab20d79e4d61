using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// Answers a data server's garbage check: which of the chunk versions it stores it should delete
/// (<see cref="GarbageRules"/>). Entries of the garbage list for chunks the server is told to drop are removed: the
/// answer is the confirmation, because a data server deletes what it is told (idempotently) and offers anything
/// left over again, which the rules judge the same way without the list.
/// </summary>
internal sealed partial class GarbageCheckService(IMetaDatabase database, MetaServerOptions options, TimeProvider clock, ILogger<GarbageCheckService> logger)
{
    /// <summary>Most candidates per call.</summary>
    public const int MaxCandidates = 10_000;

    /// <summary>Decides about every candidate of <paramref name="request"/> for <paramref name="serverId"/>; ENOENT for an unknown server.</summary>
    public async Task<GarbageCheckResponse> CheckAsync(int serverId, GarbageCheckRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = Validate(request);
        var chunkIds = candidates.Select(c => ChunkKey.TryParseId(c.Key, out var id) ? id : 0).Where(id => id > 0).Distinct().ToList();
        var (delete, rules) = await database.WriteAsync(tx =>
        {
            _ = tx.Cluster.GetServer(serverId) ?? throw new PosixException(Errno.ENOENT, $"There is no data server {serverId}.");
            var now = clock.GetUtcNow();
            var facts = tx.Healing.GetGarbageFacts(serverId, chunkIds).ToDictionary(f => f.ChunkId);
            var leases = tx.Healing.ListLeases(chunkIds).ToDictionary(l => (l.ChunkId, l.Version));
            var highest = tx.Healing.HighestChunkId();
            var deleted = new List<StoredChunk>();
            var dropped = new HashSet<long>();
            var counts = new Dictionary<GarbageRule, int>();
            foreach (var candidate in candidates)
            {
                var id = ChunkKey.TryParseId(candidate.Key, out var parsed) ? parsed : 0;
                var chunk = facts.GetValueOrDefault(id);
                var rule = GarbageRules.Decide(candidate, chunk, leases.GetValueOrDefault((id, candidate.Version)), highest, now, options.GarbageGrace);
                counts[rule] = counts.GetValueOrDefault(rule) + 1;
                if (!GarbageRules.Deletes(rule))
                {
                    continue;
                }

                // Meta knows the length and checksum only of committed versions; the data server deletes by key and version.
                deleted.Add(chunk is not null && chunk.Version == candidate.Version
                    ? new StoredChunk(candidate.Key, candidate.Version, chunk.StoredLength, chunk.Checksum)
                    : new StoredChunk(candidate.Key, candidate.Version, 0, string.Empty));
                if (rule is GarbageRule.ChunkGone or GarbageRule.NotInReplicaSet)
                {
                    dropped.Add(id);
                }
            }

            tx.Healing.PruneGarbage(serverId, dropped);
            return (deleted, counts);
        }, cancellationToken);

        var recent = rules.GetValueOrDefault(GarbageRule.UncommittedRecent) + rules.GetValueOrDefault(GarbageRule.ForeignKeyRecent);
        LogChecked(logger, serverId, candidates.Count, delete.Count, recent);
        return new GarbageCheckResponse(delete);
    }

    private static List<GarbageCandidate> Validate(GarbageCheckRequest request)
    {
        if (request.Chunks is null)
        {
            throw new PosixException(Errno.EINVAL, "'chunks' is required (it may be empty).");
        }

        if (request.Chunks.Count > MaxCandidates)
        {
            throw new PosixException(Errno.EINVAL, $"At most {MaxCandidates} chunk versions per garbage check.");
        }

        foreach (var candidate in request.Chunks)
        {
            if (candidate is null || !ChunkKey.IsValid(candidate.Key))
            {
                throw new PosixException(Errno.EINVAL, $"Every candidate needs a valid key. {ChunkKey.Rule}");
            }

            if (candidate.Version < 1)
            {
                throw new PosixException(Errno.EINVAL, $"Chunk {candidate.Key}: versions start at 1.");
            }
        }

        return [.. request.Chunks];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Garbage check of server {ServerId}: {Offered} version(s) offered, {Deleted} to delete, {Recent} kept within the grace period.")]
    private static partial void LogChecked(ILogger logger, int serverId, int offered, int deleted, int recent);
}
