using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Web.Files;

/// <summary>
/// Verification and repair of a file's replicas for the file page. The work is done by ReplicaFs.Client (its digest
/// check and its read-repair path); this port only shapes the outcome for display.
/// </summary>
public interface IFileRepair
{
    /// <summary>
    /// Asks every replica of every chunk of the file for the digest of what it stores, and with
    /// <paramref name="repair"/> repairs every bad replica from a good one through the client's repair path.
    /// </summary>
    /// <exception cref="Actions.DashboardActionException">The file could not be checked; the message says why.</exception>
    Task<FileCheckReport> VerifyAsync(long ino, bool repair, CancellationToken cancellationToken);

    /// <summary>Asks one replica for the digest of what it stores and compares it with the committed version and checksum.</summary>
    /// <exception cref="Actions.DashboardActionException">The check could not be made; the message says why.</exception>
    Task<ReplicaCheck> CheckReplicaAsync(ChunkInfo chunk, ReplicaInfo replica, CancellationToken cancellationToken);
}

/// <summary>What a check found about one replica, and what a repair did.</summary>
public enum ReplicaCondition
{
    /// <summary>It holds the committed version and its bytes hash to the committed checksum.</summary>
    Good,

    /// <summary>It holds another version.</summary>
    Stale,

    /// <summary>Its bytes do not hash to the committed checksum.</summary>
    Corrupt,

    /// <summary>It holds no copy.</summary>
    Missing,

    /// <summary>Its server did not answer.</summary>
    Unreachable,

    /// <summary>Its server answered with an error.</summary>
    Failed,

    /// <summary>It was bad and has been repaired from a good replica (and verified).</summary>
    Repaired,

    /// <summary>It was bad and the repair failed.</summary>
    RepairFailed,
}

/// <summary>One replica's outcome.</summary>
/// <param name="ServerId">Its server.</param>
/// <param name="Url">Its server's URL.</param>
/// <param name="Condition">What was found or done.</param>
/// <param name="Detail">What the server said, or how the repair went.</param>
/// <param name="CheckedAt">When.</param>
public sealed record ReplicaCheck(int ServerId, string Url, ReplicaCondition Condition, string Detail, DateTimeOffset CheckedAt);

/// <summary>One chunk's replicas.</summary>
/// <param name="ChunkId">The chunk.</param>
/// <param name="Index">Its index in the file.</param>
/// <param name="Version">The committed version checked against.</param>
/// <param name="Replicas">Every replica's outcome.</param>
public sealed record ChunkCheck(long ChunkId, long Index, long Version, IReadOnlyList<ReplicaCheck> Replicas);

/// <summary>The outcome of checking (and maybe repairing) a file.</summary>
/// <param name="Ino">The file.</param>
/// <param name="Repair">Whether bad replicas were repaired.</param>
/// <param name="Chunks">Every chunk checked.</param>
/// <param name="Took">How long it took.</param>
public sealed record FileCheckReport(long Ino, bool Repair, IReadOnlyList<ChunkCheck> Chunks, TimeSpan Took)
{
    /// <summary>Replicas checked.</summary>
    public int ReplicasChecked => Chunks.Sum(c => c.Replicas.Count);

    /// <summary>Replicas found bad (whether or not repaired since).</summary>
    public int BadReplicas => Chunks.Sum(c => c.Replicas.Count(r => r.Condition is not ReplicaCondition.Good));

    /// <summary>Replicas repaired.</summary>
    public int Repaired => Chunks.Sum(c => c.Replicas.Count(r => r.Condition == ReplicaCondition.Repaired));

    /// <summary>Replicas still bad.</summary>
    public int StillBad => Chunks.Sum(c => c.Replicas.Count(r => r.Condition is not (ReplicaCondition.Good or ReplicaCondition.Repaired)));

    /// <summary>A sentence for the snackbar.</summary>
    public string Summary()
    {
        var checkedText = $"{Chunks.Count} chunk(s), {ReplicasChecked} replica(s) checked in {Took.TotalSeconds:0.0} s";
        if (BadReplicas == 0)
        {
            return $"{checkedText}: every replica is intact.";
        }

        return Repair
            ? $"{checkedText}: {BadReplicas} bad, {Repaired} repaired{(StillBad > 0 ? $", {StillBad} still bad" : string.Empty)}."
            : $"{checkedText}: {BadReplicas} bad (not repaired).";
    }
}
