using ReplicaFs.Cli.Files;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;

namespace ReplicaFs.Cli.Checking;

/// <summary>One file as <c>fsck</c> or <c>repair</c> found it.</summary>
/// <param name="File">The file.</param>
/// <param name="Verification">Every replica of every chunk (after the repair, with <c>repair</c>); null when the file vanished.</param>
/// <param name="Vanished">Why the file could not be checked (it was removed while the check ran), else null.</param>
internal sealed record FileCheck(ClusterFile File, FileVerification? Verification, string? Vanished = null)
{
    /// <summary>Chunks with committed data.</summary>
    public IReadOnlyList<ChunkVerification> Chunks => Verification?.Chunks ?? [];

    /// <summary>Whether a replica is good: it verified, or it was repaired and verifies now.</summary>
    public static bool IsGood(ReplicaVerification replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.Verdict == ReplicaVerdict.Ok || replica.Repair == RepairOutcome.Repaired;
    }

    /// <summary>Good replicas of <paramref name="chunk"/>.</summary>
    public static int GoodReplicas(ChunkVerification chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return chunk.Replicas.Count(IsGood);
    }

    /// <summary>Chunks with fewer than <paramref name="readQuorum"/> good replicas: a quorum read of them fails.</summary>
    public IReadOnlyList<ChunkVerification> BelowQuorum(int readQuorum) => [.. Chunks.Where(c => GoodReplicas(c) < readQuorum)];

    /// <summary>Whether every replica of every chunk is good.</summary>
    public bool AllGood => Vanished is null && Chunks.All(c => c.Replicas.All(IsGood));
}
