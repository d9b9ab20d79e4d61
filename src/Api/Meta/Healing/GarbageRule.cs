namespace ReplicaFs.Api.Meta.Healing;

/// <summary>Why a chunk version a data server offered is deleted or kept (docs/self-healing.md lists them).</summary>
internal enum GarbageRule
{
    /// <summary>Delete: the key is not a chunk id meta hands out, and the version is older than the grace period.</summary>
    ForeignKeyExpired,

    /// <summary>Keep: the key is not a chunk id meta hands out, and the version is younger than the grace period.</summary>
    ForeignKeyRecent,

    /// <summary>Delete: meta handed out this chunk id and the chunk is gone (its file was deleted or truncated).</summary>
    ChunkGone,

    /// <summary>Keep: a chunk id above any meta has handed out (meta cannot judge it, e.g. a restored metadata backup).</summary>
    ChunkUnknown,

    /// <summary>Delete: the server is not in the chunk's replica set (any more, e.g. after re-replication).</summary>
    NotInReplicaSet,

    /// <summary>Keep: the committed version of a replica in the set, whatever its state.</summary>
    Committed,

    /// <summary>Delete: a version below the committed one, and this server's replica is Ok at the committed version.</summary>
    Superseded,

    /// <summary>Keep: a version below the committed one while this server's replica has not caught up (it is never served).</summary>
    SupersededNotCaughtUp,

    /// <summary>Delete: a version above the committed one, never committed, older than the grace period (a failed write).</summary>
    UncommittedExpired,

    /// <summary>Keep: a version above the committed one within the grace period (a write may be under way).</summary>
    UncommittedRecent,
}
