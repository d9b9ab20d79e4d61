using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Repair;

/// <summary>What a <see cref="FileVerifier"/> did to one bad replica.</summary>
public enum RepairOutcome
{
    /// <summary>The replica was good: nothing to do.</summary>
    NotNeeded = 0,

    /// <summary>Verification only, or the replica could not be judged (unreachable, failed): nothing was attempted.</summary>
    NotAttempted = 1,

    /// <summary>The replica was repaired from a good one and its digest now matches the committed checksum.</summary>
    Repaired = 2,

    /// <summary>The repair was attempted and the replica is still bad (no good source, or the copy failed).</summary>
    Failed = 3,
}

/// <summary>One replica as a <see cref="FileVerifier"/> found it, and what was done about it.</summary>
/// <param name="ServerId">Its data server.</param>
/// <param name="Url">Its data server's base URL.</param>
/// <param name="Verdict">What its digest said: Ok, Stale, Corrupt, Missing, Unreachable or Failed.</param>
/// <param name="Detail">The details (versions, checksums, status codes).</param>
/// <param name="Repair">What a repair did.</param>
/// <param name="RepairDetail">How the repair went (the replica's digest afterwards), when one was attempted.</param>
public sealed record ReplicaVerification(int ServerId, string Url, ReplicaVerdict Verdict, string Detail, RepairOutcome Repair = RepairOutcome.NotNeeded, string? RepairDetail = null)
{
    /// <summary>Whether the replica was bad in a way a repair can fix (stale, corrupt or missing).</summary>
    public bool IsRepairable => Verdict is ReplicaVerdict.Stale or ReplicaVerdict.Corrupt or ReplicaVerdict.Missing;
}

/// <summary>Every replica of one chunk.</summary>
/// <param name="Chunk">The chunk as the metadata server listed it (committed version and checksum).</param>
/// <param name="Replicas">Each replica's verification, in replica-set order.</param>
public sealed record ChunkVerification(ChunkInfo Chunk, IReadOnlyList<ReplicaVerification> Replicas);

/// <summary>The outcome of verifying (and maybe repairing) a file.</summary>
/// <param name="Ino">The file.</param>
/// <param name="Repaired">Whether bad replicas were repaired.</param>
/// <param name="Chunks">Every chunk with committed data, in index order.</param>
/// <param name="Took">How long it took.</param>
public sealed record FileVerification(long Ino, bool Repaired, IReadOnlyList<ChunkVerification> Chunks, TimeSpan Took);
