using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// The decision for one chunk version a data server offers for garbage collection. Pure: everything it needs is
/// passed in, so each rule is tested on its own.
/// </summary>
internal static class GarbageRules
{
    /// <summary>Whether a rule deletes the version.</summary>
    public static bool Deletes(GarbageRule rule) => rule is GarbageRule.ForeignKeyExpired or GarbageRule.ChunkGone or GarbageRule.NotInReplicaSet
        or GarbageRule.Superseded or GarbageRule.UncommittedExpired;

    /// <summary>Decides about <paramref name="candidate"/>.</summary>
    /// <param name="candidate">The offered key, version and when the server stored it.</param>
    /// <param name="facts">What meta knows about the chunk, or null when it does not exist.</param>
    /// <param name="lease">The outstanding lease of exactly this version, if any.</param>
    /// <param name="highestChunkId">The highest chunk id meta ever handed out.</param>
    /// <param name="now">Meta's clock.</param>
    /// <param name="grace">How old an uncommitted version (or a foreign key) must be to be deleted.</param>
    public static GarbageRule Decide(GarbageCandidate candidate, GarbageFacts? facts, LeaseRecord? lease, long highestChunkId, DateTimeOffset now, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var storedLongAgo = now - candidate.StoredAt > grace;
        if (!ChunkKey.TryParseId(candidate.Key, out var chunkId))
        {
            return storedLongAgo ? GarbageRule.ForeignKeyExpired : GarbageRule.ForeignKeyRecent;
        }

        if (facts is null)
        {
            return chunkId <= highestChunkId ? GarbageRule.ChunkGone : GarbageRule.ChunkUnknown;
        }

        if (facts.ReplicaState is not { } state)
        {
            return GarbageRule.NotInReplicaSet;
        }

        if (candidate.Version == facts.Version)
        {
            return GarbageRule.Committed;
        }

        if (candidate.Version < facts.Version)
        {
            return state == ReplicaState.Ok ? GarbageRule.Superseded : GarbageRule.SupersededNotCaughtUp;
        }

        // The data server's clock says when it stored the version, meta's clock when it leased it: both must be past
        // the grace period, so a data server whose clock runs ahead cannot lose a write that is still under way.
        var leasedLongAgo = lease is null || now - lease.GrantedAt > grace;
        return storedLongAgo && leasedLongAgo ? GarbageRule.UncommittedExpired : GarbageRule.UncommittedRecent;
    }
}
