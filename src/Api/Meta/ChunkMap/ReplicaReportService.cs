using System.Globalization;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>Findings about single replicas (corrupt, stale, missing, rebuilding, or repaired back to ok) from clients and data servers.</summary>
internal sealed class ReplicaReportService(IMetaDatabase database, TimeProvider clock)
{
    /// <summary>
    /// Sets one replica's state and version. <see cref="ReplicaState.Ok"/> is accepted only with the committed
    /// version (ESTALE otherwise: the chunk moved on meanwhile). Every change of state is an event naming the
    /// file, chunk, server, reason and reporter. Returns the chunk.
    /// </summary>
    public Task<ChunkInfo> ReportAsync(long chunkId, ReplicaReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!Enum.IsDefined(report.State))
        {
            throw new PosixException(Errno.EINVAL, "'state' must be Ok, Stale, Corrupt, Missing or Rebuilding.");
        }

        if (report.Version < 0)
        {
            throw new PosixException(Errno.EINVAL, "'version' cannot be negative.");
        }

        if ((report.Reason?.Length ?? 0) > ChunkMapLimits.MaxReasonLength)
        {
            throw new PosixException(Errno.EINVAL, $"'reason' has at most {ChunkMapLimits.MaxReasonLength} characters.");
        }

        if (string.IsNullOrWhiteSpace(report.ReportedBy) || report.ReportedBy.Length > ChunkMapLimits.MaxReporterLength || report.ReportedBy.Any(char.IsControl))
        {
            throw new PosixException(Errno.EINVAL, $"'reportedBy' names the reporter in 1-{ChunkMapLimits.MaxReporterLength} printable characters.");
        }

        return database.WriteAsync(tx =>
        {
            var chunk = tx.Chunks.GetChunk(chunkId) ?? throw new PosixException(Errno.ENOENT, $"There is no chunk {chunkId}.");
            var server = tx.Cluster.GetServer(report.ServerId);
            var replica = tx.Chunks.ListReplicas(chunkId).FirstOrDefault(r => r.ServerId == report.ServerId)
                ?? throw new PosixException(Errno.EINVAL, $"{server?.Name ?? $"Server {report.ServerId}"} holds no replica of {EventText.Chunk(chunk)}.");
            if (report.State == ReplicaState.Ok && (report.Version != chunk.Version || chunk.Version == 0))
            {
                throw new PosixException(Errno.ESTALE, chunk.Version == 0
                    ? $"{EventText.Chunk(chunk)} has no committed version yet, so no replica of it can be ok."
                    : $"A replica of {EventText.Chunk(chunk)} is ok only at the committed version {chunk.Version}, not {report.Version}.");
            }

            if (replica.State != report.State || replica.Version != report.Version)
            {
                tx.Chunks.UpdateReplica(chunkId, report.ServerId, report.State, report.Version);
            }

            if (replica.State != report.State && server is not null)
            {
                var now = clock.GetUtcNow();
                var path = tx.Namespace.PathOf(chunk.Ino);
                var (kind, severity, finding) = report.State switch
                {
                    ReplicaState.Corrupt => (EventKinds.ReplicaCorrupt, EventSeverity.Error, "is corrupt"),
                    ReplicaState.Stale => (EventKinds.ReplicaStale, EventSeverity.Warning, "is stale"),
                    ReplicaState.Missing => (EventKinds.ReplicaMissing, EventSeverity.Warning, "is missing"),
                    ReplicaState.Rebuilding => (EventKinds.RepairStarted, EventSeverity.Info, "is being repaired"),
                    _ => (EventKinds.RepairFinished, EventSeverity.Info, $"is ok again at version {report.Version.ToString(CultureInfo.InvariantCulture)}"),
                };
                tx.Events.Append(new NewEventRecord(now, kind, severity,
                    $"Replica of {EventText.File(path, chunk.Ino)} {EventText.Chunk(chunk)} on {server.Name} {finding} " +
                    $"(was {replica.State}): {EventText.Reason(report.Reason)} (reported by {report.ReportedBy}).",
                    report.ReportedBy, report.ServerId, chunk.Ino, chunkId, path));
                if (server.State == ServerState.Rebuilding)
                {
                    var counted = report.State == ReplicaState.Ok && chunk.Version > 0
                        ? server with { RebuiltReplicas = server.RebuiltReplicas + 1 }
                        : server;
                    var finished = RebuildCompletion.FinishIfDone(tx, counted, now);
                    if (finished != server)
                    {
                        tx.Cluster.UpdateServer(finished);
                    }
                }
            }

            return tx.Chunks.GetChunk(chunkId)!.ToInfo(tx.Chunks.ListReplicas(chunkId));
        }, cancellationToken);
    }
}
