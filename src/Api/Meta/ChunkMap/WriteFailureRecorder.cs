using System.Globalization;
using System.Text;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>Records a write that missed its quorum, saying exactly who answered what; nothing else changes.</summary>
internal sealed class WriteFailureRecorder(IMetaDatabase database, ActiveClusterSettings cluster, TimeProvider clock)
{
    /// <summary>Appends a <c>quorum.write-failed</c> event about chunk <see cref="WriteFailureReport.ChunkId"/> of file <paramref name="ino"/>.</summary>
    public Task<ClusterEvent> RecordAsync(long ino, WriteFailureReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var acknowledged = report.Acknowledged ?? [];
        var failed = report.Failed ?? [];
        if (report.WriteQuorum < 1 || report.WriteQuorum > cluster.Replicas)
        {
            throw new PosixException(Errno.EINVAL, $"'writeQuorum' is between 1 and the replica count {cluster.Replicas} (got {report.WriteQuorum}).");
        }

        if (report.ChunkId < 1 || report.Version < 1)
        {
            throw new PosixException(Errno.EINVAL, "'chunkId' and 'version' are the leased chunk and version (at least 1).");
        }

        if (failed.Any(f => f is null || (f.Reason?.Length ?? 0) > ChunkMapLimits.MaxReasonLength))
        {
            throw new PosixException(Errno.EINVAL, $"Every failure names a server and a reason of at most {ChunkMapLimits.MaxReasonLength} characters.");
        }

        // The servers named are the lease's replica set: each once, at most R of them. Without this bound one report
        // could write an event of megabytes ("data-2, data-2, …").
        var named = acknowledged.Concat(failed.Select(f => f.ServerId)).ToList();
        if (named.Count > cluster.Replicas || named.Distinct().Count() != named.Count)
        {
            throw new PosixException(Errno.EINVAL,
                $"A write failure names each server of the replica set once, acknowledged or failed: at most {cluster.Replicas} servers (got {named.Count}).");
        }

        return database.WriteAsync(tx =>
        {
            tx.RequireFile(ino);
            var chunk = tx.Chunks.GetChunk(report.ChunkId);
            if (chunk is null || chunk.Ino != ino)
            {
                throw new PosixException(Errno.ESTALE, $"Chunk {ChunkKey.FromId(report.ChunkId)} is not part of file {ino}.");
            }

            var setSize = tx.Chunks.ListReplicas(chunk.ChunkId).Count;
            var path = tx.Namespace.PathOf(ino);
            var names = tx.Cluster.ServerNames();
            var message = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Write of {EventText.File(path, ino)} {EventText.Chunk(chunk)} version {report.Version} failed: ")
                .Append(CultureInfo.InvariantCulture, $"{acknowledged.Count} of {setSize} replica(s) acknowledged ({EventText.Servers(acknowledged, names)}), ")
                .Append(CultureInfo.InvariantCulture, $"write quorum Qw={report.WriteQuorum} not reached.");
            foreach (var failure in failed)
            {
                message.Append(CultureInfo.InvariantCulture, $" {EventText.Server(failure.ServerId, names)}: {EventText.Reason(failure.Reason)}.");
            }

            message.Append(CultureInfo.InvariantCulture, $" Version {chunk.Version} stays the visible one.");
            return tx.Events.Append(new NewEventRecord(clock.GetUtcNow(), EventKinds.WriteQuorumFailed, EventSeverity.Error,
                message.ToString(), "client", null, ino, chunk.ChunkId, path));
        }, cancellationToken);
    }
}
