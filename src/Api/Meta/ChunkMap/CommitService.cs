using System.Globalization;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Healing;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>
/// Commits written chunk versions, all or nothing: each one must have been leased, build on the version that is
/// still committed (compare-and-swap), and name acknowledging replicas of its set. Replicas that did not
/// acknowledge become stale, with an event saying why.
/// </summary>
internal sealed class CommitService(IMetaDatabase database, ActiveClusterSettings cluster, TimeProvider clock)
{
    /// <summary>Applies <paramref name="request"/> to file <paramref name="ino"/>; returns the file's new attributes.</summary>
    public Task<InodeAttributes> CommitAsync(long ino, CommitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var commits = Validate(request);
        return database.WriteAsync(tx =>
        {
            var inode = tx.RequireFile(ino);
            // A retried commit whose first attempt was applied (same version, length and checksum) changes nothing again.
            var checkedCommits = commits.Select(commit => Check(tx, ino, commit)).Where(c => !c.AlreadyApplied).ToList();
            var now = clock.GetUtcNow();
            string? path = null;
            IReadOnlyDictionary<int, string>? names = null;
            foreach (var (commit, chunk, replicas, _) in checkedCommits)
            {
                tx.Chunks.CommitChunk(chunk.ChunkId, commit.Version, commit.Length, commit.Checksum);
                tx.Chunks.RetireLeases(chunk.ChunkId, commit.Version);
                var acknowledged = commit.Acknowledged.ToHashSet();
                var failures = (commit.Failed ?? []).ToDictionary(f => f.ServerId, f => f.Reason);
                foreach (var replica in replicas)
                {
                    if (acknowledged.Contains(replica.ServerId))
                    {
                        tx.Chunks.UpdateReplica(chunk.ChunkId, replica.ServerId, ReplicaState.Ok, commit.Version);
                        continue;
                    }

                    tx.Chunks.UpdateReplica(chunk.ChunkId, replica.ServerId, ReplicaState.Stale, replica.Version);
                    if (replica.State == ReplicaState.Stale)
                    {
                        continue;
                    }

                    path ??= tx.Namespace.PathOf(ino);
                    names ??= tx.Cluster.ServerNames();
                    var reason = failures.TryGetValue(replica.ServerId, out var given)
                        ? EventText.Reason(given)
                        : "it was not among the acknowledging replicas";
                    tx.Events.Append(new NewEventRecord(now, EventKinds.ReplicaStale, EventSeverity.Warning,
                        $"Replica of {EventText.File(path, ino)} {EventText.Chunk(chunk)} on {EventText.Server(replica.ServerId, names)} is stale " +
                        $"(was {replica.State}): it missed version {commit.Version.ToString(CultureInfo.InvariantCulture)}: {reason}.",
                        "meta", replica.ServerId, ino, chunk.ChunkId, path));
                }
            }

            var size = inode.Size;
            if (request.MinSize > size)
            {
                var committedEnd = tx.Chunks.CommittedEnd(ino, cluster.ChunkSize);
                if (request.MinSize > committedEnd)
                {
                    throw new PosixException(Errno.EINVAL,
                        $"'minSize' {request.MinSize} lies beyond the end of the file's committed data ({committedEnd} bytes).");
                }

                size = request.MinSize;
            }

            var updated = inode with { Size = size };
            if (request.TouchMtime)
            {
                var stamp = Timestamp.FromDateTimeOffset(now);
                updated = updated with { Mtime = stamp, Ctime = stamp };
            }

            tx.Namespace.UpdateInode(updated);
            return updated.ToAttributes();
        }, cancellationToken);
    }

    private static (ChunkCommit Commit, ChunkRecord Chunk, IReadOnlyList<ReplicaRecord> Replicas, bool AlreadyApplied) Check(IMetaTransaction tx, long ino, ChunkCommit commit)
    {
        var chunk = tx.Chunks.GetChunk(commit.ChunkId);
        if (chunk is null || chunk.Ino != ino)
        {
            throw new PosixException(Errno.ESTALE,
                $"Chunk {ChunkKey.FromId(commit.ChunkId)} is not part of file {ino} (any more): it was truncated away or deleted. Nothing was committed.");
        }

        if (chunk.Version == commit.Version && chunk.Version > 0 && chunk.Length == commit.Length && chunk.Checksum == commit.Checksum)
        {
            return (commit, chunk, [], true);
        }

        if (commit.BaseVersion != chunk.Version)
        {
            throw new PosixException(Errno.ESTALE,
                $"Conflict on {EventText.Chunk(chunk)}: its committed version is {chunk.Version}, but the write was based on version {commit.BaseVersion}. Nothing was committed.");
        }

        if (commit.Version <= chunk.Version || !tx.Chunks.HasLease(chunk.ChunkId, commit.Version))
        {
            throw new PosixException(Errno.EINVAL,
                $"Version {commit.Version} of {EventText.Chunk(chunk)} was never leased, or is not above the committed version {chunk.Version}.");
        }

        var replicas = tx.Chunks.ListReplicas(chunk.ChunkId);
        var set = replicas.Select(r => r.ServerId).ToHashSet();
        // A write leased before re-replication moved a replica off a dead server names that server as failed: nothing to record.
        var failedOutsiders = (commit.Failed ?? []).Select(f => f.ServerId)
            .Where(id => !set.Contains(id) && !tx.Healing.IsQueuedAsGarbage(chunk.ChunkId, id, ReReplicationPlanner.GarbageReason));
        var outsiders = commit.Acknowledged.Where(id => !set.Contains(id)).Concat(failedOutsiders).Distinct().ToList();
        if (outsiders.Count > 0)
        {
            var names = tx.Cluster.ServerNames();
            throw new PosixException(Errno.EINVAL,
                $"{EventText.Servers(outsiders, names)} hold(s) no replica of {EventText.Chunk(chunk)}; its replica set is {EventText.Servers(set.Order(), names)}.");
        }

        return (commit, chunk, replicas, false);
    }

    private List<ChunkCommit> Validate(CommitRequest request)
    {
        if (request.Commits is null)
        {
            throw new PosixException(Errno.EINVAL, "'commits' is required (it may be empty).");
        }

        if (request.Commits.Count > ChunkMapLimits.MaxChunksPerCall)
        {
            throw new PosixException(Errno.EINVAL, $"At most {ChunkMapLimits.MaxChunksPerCall} commits per call.");
        }

        if (request.MinSize is < 0 or > NamespaceLimits.MaxFileSize)
        {
            throw new PosixException(Errno.EINVAL, $"'minSize' must be between 0 and {NamespaceLimits.MaxFileSize}.");
        }

        var chunks = new HashSet<long>();
        foreach (var commit in request.Commits)
        {
            if (commit is null)
            {
                throw new PosixException(Errno.EINVAL, "A commit cannot be null.");
            }

            // Ids and versions are handed out by meta and are at least 1; anything else names no chunk (and no key).
            if (commit.ChunkId < 1 || commit.Version < 1 || commit.BaseVersion < 0)
            {
                throw new PosixException(Errno.EINVAL,
                    $"Chunk {commit.ChunkId} version {commit.Version} based on {commit.BaseVersion}: chunk ids and versions are at least 1, base versions at least 0.");
            }

            if (!chunks.Add(commit.ChunkId))
            {
                throw new PosixException(Errno.EINVAL, $"Chunk {commit.ChunkId} is committed twice in one request.");
            }

            if (!ChunkChecksum.TryParse(commit.Checksum, out _))
            {
                throw new PosixException(Errno.EINVAL, $"The checksum of chunk {commit.ChunkId} must be 16 lowercase hex digits.");
            }

            if (commit.Length < 0 || commit.Length > cluster.ChunkSize)
            {
                throw new PosixException(Errno.EINVAL, $"The length of chunk {commit.ChunkId} must be between 0 and the chunk size {cluster.ChunkSize}.");
            }

            if (commit.Acknowledged is null || commit.Acknowledged.Count == 0)
            {
                throw new PosixException(Errno.EINVAL, $"Chunk {commit.ChunkId}: at least one replica must have acknowledged the write.");
            }

            if (commit.Acknowledged.Distinct().Count() != commit.Acknowledged.Count)
            {
                throw new PosixException(Errno.EINVAL, $"Chunk {commit.ChunkId}: a server is listed twice as acknowledging.");
            }

            var failed = commit.Failed ?? [];
            if (failed.Any(f => f is null || commit.Acknowledged.Contains(f.ServerId) || (f.Reason?.Length ?? 0) > ChunkMapLimits.MaxReasonLength))
            {
                throw new PosixException(Errno.EINVAL,
                    $"Chunk {commit.ChunkId}: a failed replica cannot also have acknowledged, and a reason has at most {ChunkMapLimits.MaxReasonLength} characters.");
            }

            if (failed.Select(f => f.ServerId).Distinct().Count() != failed.Count)
            {
                throw new PosixException(Errno.EINVAL, $"Chunk {commit.ChunkId}: a server is listed twice as failed.");
            }
        }

        return [.. request.Commits];
    }
}
