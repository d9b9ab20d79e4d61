using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Web.Actions;

namespace ReplicaFs.Web.Files;

/// <summary><see cref="IFileRepair"/> over ReplicaFs.Client's <see cref="FileVerifier"/>: the client's digest check and read-repair path.</summary>
public sealed class ClientFileRepair(FileVerifier verifier, TimeProvider time) : IFileRepair
{
    /// <inheritdoc />
    public async Task<FileCheckReport> VerifyAsync(long ino, bool repair, CancellationToken cancellationToken)
    {
        FileVerification verification;
        try
        {
            verification = await verifier.VerifyAsync(ino, repair, cancellationToken);
        }
        catch (PosixException ex)
        {
            throw new DashboardActionException($"{(repair ? "Repair" : "Verification")} of inode {ino} failed: {ex.Message}", ex);
        }

        var at = time.GetUtcNow();
        return new FileCheckReport(
            ino,
            repair,
            [.. verification.Chunks.Select(c => new ChunkCheck(c.Chunk.ChunkId, c.Chunk.Index, c.Chunk.Version, [.. c.Replicas.Select(r => Map(r, at))]))],
            verification.Took);
    }

    /// <inheritdoc />
    public async Task<ReplicaCheck> CheckReplicaAsync(ChunkInfo chunk, ReplicaInfo replica, CancellationToken cancellationToken) =>
        Map(await verifier.VerifyReplicaAsync(chunk, replica, cancellationToken), time.GetUtcNow());

    private static ReplicaCheck Map(ReplicaVerification replica, DateTimeOffset at)
    {
        var condition = replica.Repair switch
        {
            RepairOutcome.Repaired => ReplicaCondition.Repaired,
            RepairOutcome.Failed => ReplicaCondition.RepairFailed,
            _ => replica.Verdict switch
            {
                ReplicaVerdict.Ok => ReplicaCondition.Good,
                ReplicaVerdict.Stale => ReplicaCondition.Stale,
                ReplicaVerdict.Corrupt => ReplicaCondition.Corrupt,
                ReplicaVerdict.Missing => ReplicaCondition.Missing,
                ReplicaVerdict.Unreachable => ReplicaCondition.Unreachable,
                _ => ReplicaCondition.Failed,
            },
        };
        var detail = replica.RepairDetail is { } repaired ? $"it was {replica.Verdict.ToString().ToLowerInvariant()} ({replica.Detail}); {repaired}" : replica.Detail;
        return new ReplicaCheck(replica.ServerId, replica.Url, condition, detail, at);
    }
}
