namespace ReplicaFs.Api.Meta.Storage;

/// <summary>
/// The queries and changes of self-healing: replicas to repair (assignments), facts for garbage checks, the garbage
/// list, and the replica moves of re-replication. A live server is one that is up or rebuilding.
/// </summary>
internal interface ISelfHealingStore
{
    /// <summary>
    /// Replicas of committed chunks on <paramref name="serverId"/> that are not Ok and have at least one valid copy
    /// elsewhere, fewest valid copies first (then by chunk id).
    /// </summary>
    IReadOnlyList<PendingReplica> ListPendingReplicas(int serverId, int limit);

    /// <summary>How many replicas <see cref="ListPendingReplicas"/> would list without a limit, and their stored bytes.</summary>
    (long Count, long Bytes) CountPendingReplicas(int serverId);

    /// <summary>Chunks with a replica on <paramref name="serverId"/> that is not Ok and no valid copy anywhere else.</summary>
    IReadOnlyList<long> ListSourcelessReplicas(int serverId);

    /// <summary>Valid copies (Ok replicas on live servers) of the given chunks.</summary>
    IReadOnlyList<ValidCopy> ListValidCopies(IReadOnlyCollection<long> chunkIds);

    /// <summary>Facts about those of <paramref name="chunkIds"/> that exist, with <paramref name="serverId"/>'s replica state.</summary>
    IReadOnlyList<GarbageFacts> GetGarbageFacts(int serverId, IReadOnlyCollection<long> chunkIds);

    /// <summary>Outstanding leases of the given chunks.</summary>
    IReadOnlyList<LeaseRecord> ListLeases(IReadOnlyCollection<long> chunkIds);

    /// <summary>The highest chunk id ever handed out (0 when none).</summary>
    long HighestChunkId();

    /// <summary>Queues a server's copy of a chunk on the garbage list.</summary>
    void QueueGarbage(ChunkRecord chunk, int serverId, string reason, DateTimeOffset time);

    /// <summary>Whether a server's copy of a chunk is on the garbage list for <paramref name="reason"/>.</summary>
    bool IsQueuedAsGarbage(long chunkId, int serverId, string reason);

    /// <summary>Removes the garbage entries of a server for the given chunks; returns how many.</summary>
    int PruneGarbage(int serverId, IReadOnlyCollection<long> chunkIds);

    /// <summary>Removes every garbage entry of a server (its data is gone); returns how many.</summary>
    int PruneGarbage(int serverId);

    /// <summary>Removes a server from a chunk's replica set; false if it was not in it.</summary>
    bool RemoveReplica(long chunkId, int serverId);

    /// <summary>
    /// Replicas on <paramref name="serverId"/> that can move: their chunk has an up server outside its replica set,
    /// and the replica is not the only copy of the committed version that may still be good (an Ok replica with no
    /// valid copy elsewhere stays, so that the server's return can bring the chunk back). Committed chunks first,
    /// fewest valid copies first, then by chunk id.
    /// </summary>
    IReadOnlyList<ReplicaMoveCandidate> ListMovableReplicas(int serverId, int limit);

    /// <summary>The replicas on <paramref name="serverId"/> by what re-replication can do with them.</summary>
    ReplicaMoveCounts CountReplicasToMove(int serverId);

    /// <summary>
    /// Chunks with fewer than <paramref name="desired"/> replicas and an up server outside their replica set:
    /// committed chunks first, fewest valid copies first, then by chunk id.
    /// </summary>
    IReadOnlyList<ReplicaMoveCandidate> ListUndersizedChunks(int desired, int limit);
}
