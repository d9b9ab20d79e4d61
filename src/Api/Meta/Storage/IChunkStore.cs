using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Meta.Storage;

/// <summary>Chunks, their replicas, outstanding write leases and the garbage list.</summary>
internal interface IChunkStore
{
    /// <summary>A chunk by id, or null.</summary>
    ChunkRecord? GetChunk(long chunkId);

    /// <summary>The chunk at <paramref name="index"/> of a file, or null (a hole).</summary>
    ChunkRecord? GetChunkAt(long ino, long index);

    /// <summary>Chunks of a file with index in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>), in index order.</summary>
    IReadOnlyList<ChunkRecord> ListChunks(long ino, long fromIndex, long toIndex);

    /// <summary>Replicas of the chunks of a file with index in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>).</summary>
    IReadOnlyList<ReplicaRecord> ListReplicas(long ino, long fromIndex, long toIndex);

    /// <summary>Replicas of one chunk, by server id.</summary>
    IReadOnlyList<ReplicaRecord> ListReplicas(long chunkId);

    /// <summary>The end (index × chunk size + length) of the last committed chunk of a file, 0 when none.</summary>
    long CommittedEnd(long ino, int chunkSize);

    /// <summary>Creates an uncommitted chunk (version 0, length 0).</summary>
    ChunkRecord CreateChunk(long ino, long index, string emptyChecksum);

    /// <summary>Adds a replica to a chunk's replica set.</summary>
    void AddReplica(long chunkId, int serverId, ReplicaState state, long version);

    /// <summary>Changes one replica's state and version.</summary>
    void UpdateReplica(long chunkId, int serverId, ReplicaState state, long version);

    /// <summary>Makes <paramref name="version"/> the committed version of a chunk.</summary>
    void CommitChunk(long chunkId, long version, long length, string checksum);

    /// <summary>Lowers the file bytes of a chunk (truncation).</summary>
    void SetChunkLength(long chunkId, long length);

    /// <summary>Records that <paramref name="version"/> was leased for a chunk.</summary>
    void AddLease(long chunkId, long version, DateTimeOffset grantedAt);

    /// <summary>Whether <paramref name="version"/> was leased for a chunk and not yet retired.</summary>
    bool HasLease(long chunkId, long version);

    /// <summary>Retires the leases of a chunk up to and including <paramref name="version"/>.</summary>
    void RetireLeases(long chunkId, long version);

    /// <summary>
    /// Removes the chunks of a file with index at or above <paramref name="fromIndex"/> and queues each of their
    /// replicas on the garbage list for the collector; returns how many chunks were removed.
    /// </summary>
    int DiscardChunks(long ino, long fromIndex, string reason, DateTimeOffset time);

    /// <summary>Marks every replica on a server missing (version 0); returns how many.</summary>
    int MarkServerReplicasMissing(int serverId);

    /// <summary>Replicas on a server that are missing or rebuilding, counting only chunks that have committed data.</summary>
    long CountReplicasToRebuild(int serverId);

    /// <summary>Entries on the garbage list.</summary>
    long CountGarbage();
}
