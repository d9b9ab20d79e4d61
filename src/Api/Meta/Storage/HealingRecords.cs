using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Storage;

/// <summary>A replica of a committed chunk that its server holds in bad shape (not Ok), with the chunk's committed facts.</summary>
/// <param name="ChunkId">The chunk.</param>
/// <param name="Version">Its committed version.</param>
/// <param name="StoredLength">Stored bytes of that version.</param>
/// <param name="Checksum">Its committed checksum.</param>
/// <param name="State">The replica's state.</param>
/// <param name="LiveCopies">Ok replicas of the chunk on other live (up or rebuilding) servers.</param>
internal sealed record PendingReplica(long ChunkId, long Version, long StoredLength, string Checksum, ReplicaState State, int LiveCopies);

/// <summary>A valid copy of a chunk: an Ok replica on a live server.</summary>
internal sealed record ValidCopy(long ChunkId, int ServerId, string Url, ServerState ServerState);

/// <summary>What meta knows about a chunk a data server offered for garbage collection.</summary>
/// <param name="ChunkId">The chunk (it exists).</param>
/// <param name="Version">Its committed version (0: never committed).</param>
/// <param name="StoredLength">Stored bytes of the committed version.</param>
/// <param name="Checksum">The committed checksum.</param>
/// <param name="ReplicaState">The offering server's replica state, or null when the server is not in the replica set.</param>
internal sealed record GarbageFacts(long ChunkId, long Version, long StoredLength, string Checksum, ReplicaState? ReplicaState);

/// <summary>An outstanding write lease.</summary>
internal sealed record LeaseRecord(long ChunkId, long Version, DateTimeOffset GrantedAt);

/// <summary>A chunk whose replica set should change: a replica on a dead server to move, or a replica to add.</summary>
/// <param name="ChunkId">The chunk.</param>
/// <param name="Ino">Its file.</param>
/// <param name="Index">Its index in the file.</param>
/// <param name="Version">Its committed version (0: never committed).</param>
/// <param name="LiveCopies">Valid copies (Ok replicas on live servers), not counting the server being replaced.</param>
internal sealed record ReplicaMoveCandidate(long ChunkId, long Ino, long Index, long Version, int LiveCopies);

/// <summary>The replicas on a server by what re-replication can do with them.</summary>
/// <param name="Movable">Can move to an up server outside the replica set.</param>
/// <param name="NoTarget">Cannot: every up server already holds a replica of the chunk.</param>
/// <param name="OnlyCopy">Stay: the replica is the only copy of the committed version that may still be good.</param>
internal sealed record ReplicaMoveCounts(long Movable, long NoTarget, long OnlyCopy);

/// <summary>Committed chunks by number of valid copies, and the replica states of committed chunks.</summary>
/// <param name="Rows">Chunks per number of valid copies, by that number (counts without chunks are left out).</param>
/// <param name="Stale">Stale replicas.</param>
/// <param name="Corrupt">Corrupt replicas.</param>
/// <param name="Missing">Missing replicas.</param>
/// <param name="Rebuilding">Rebuilding replicas.</param>
internal sealed record CopyCounts(IReadOnlyList<CopyCountRow> Rows, long Stale, long Corrupt, long Missing, long Rebuilding);

/// <summary>One row of the replica matrix.</summary>
/// <param name="ValidCopies">Valid copies per chunk.</param>
/// <param name="Chunks">Committed chunks with that many valid copies.</param>
internal sealed record CopyCountRow(int ValidCopies, long Chunks);

/// <summary>Namespace totals.</summary>
/// <param name="Files">Regular files.</param>
/// <param name="Directories">Directories.</param>
/// <param name="LogicalBytes">Sum of the sizes of regular files.</param>
internal sealed record InodeTotals(long Files, long Directories, long LogicalBytes);
