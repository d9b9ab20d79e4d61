namespace ReplicaFs.Contracts.Chunks;

/// <summary>One replica of a chunk as the metadata server sees it.</summary>
/// <param name="ServerId">The data server.</param>
/// <param name="Url">The data server's base URL.</param>
/// <param name="State">What is known about this copy.</param>
/// <param name="Version">The last version this replica acknowledged (0 if none).</param>
public sealed record ReplicaInfo(int ServerId, string Url, ReplicaState State, long Version);

/// <summary>One chunk of a file.</summary>
/// <param name="ChunkId">Identity of the chunk; data servers store it under <see cref="ChunkKey.FromId"/>.</param>
/// <param name="Index">Position in the file: the chunk holds bytes [Index × chunkSize, Index × chunkSize + Length).</param>
/// <param name="Version">The committed version; readers only accept replicas that hold it.</param>
/// <param name="Length">Bytes of this chunk that belong to the file. May be less than the stored length after a truncate; the rest is ignored.</param>
/// <param name="Checksum">The committed checksum of the stored bytes of this version (see <see cref="ChunkChecksum"/>).</param>
/// <param name="Replicas">Every replica in the chunk's replica set.</param>
public sealed record ChunkInfo(long ChunkId, long Index, long Version, long Length, string Checksum, IReadOnlyList<ReplicaInfo> Replicas);

/// <summary>The chunks of a file, in index order; indexes without a chunk are holes that read as zeros.</summary>
/// <param name="Ino">The file.</param>
/// <param name="Size">The file size at the time of the listing.</param>
/// <param name="ChunkSize">The cluster's chunk size.</param>
/// <param name="Chunks">Chunks with index in the requested range.</param>
public sealed record ChunkMapPage(long Ino, long Size, int ChunkSize, IReadOnlyList<ChunkInfo> Chunks);

/// <summary>Ask for write leases on some chunk indexes of a file.</summary>
public sealed record LeaseRequest(IReadOnlyList<long> Indexes);

/// <summary>A data server that should receive a chunk write.</summary>
public sealed record ReplicaTarget(int ServerId, string Url);

/// <summary>
/// Permission to write one new version of a chunk. Leases are not exclusive: the commit succeeds only if the
/// committed version is still <paramref name="BaseVersion"/>, so concurrent writers cannot lose each other's updates.
/// </summary>
/// <param name="ChunkId">Chunk identity (allocated on first lease).</param>
/// <param name="Index">Chunk index in the file.</param>
/// <param name="Version">The version to write; never handed out twice.</param>
/// <param name="BaseVersion">The committed version when the lease was granted (0: the chunk has no data yet).</param>
/// <param name="Replicas">Where to send the bytes.</param>
public sealed record WriteLease(long ChunkId, long Index, long Version, long BaseVersion, IReadOnlyList<ReplicaTarget> Replicas);

/// <summary>The leases granted for a <see cref="LeaseRequest"/>.</summary>
public sealed record LeaseResponse(IReadOnlyList<WriteLease> Leases);

/// <summary>Why a replica did not acknowledge a write.</summary>
public sealed record ReplicaFailure(int ServerId, string Reason);

/// <summary>Make a written chunk version the visible one.</summary>
/// <param name="ChunkId">Chunk identity from the lease.</param>
/// <param name="Version">The version that was written.</param>
/// <param name="BaseVersion">The base version from the lease (compare-and-swap).</param>
/// <param name="Length">Stored length of the new version.</param>
/// <param name="Checksum">Checksum of the new version.</param>
/// <param name="Acknowledged">Servers that durably stored it.</param>
/// <param name="Failed">Servers that did not, and why; they become stale.</param>
public sealed record ChunkCommit(long ChunkId, long Version, long BaseVersion, long Length, string Checksum, IReadOnlyList<int> Acknowledged, IReadOnlyList<ReplicaFailure> Failed);

/// <summary>Commit several chunk versions of one file atomically, and extend its size.</summary>
/// <param name="Commits">The chunks.</param>
/// <param name="MinSize">After the commit the file is at least this long.</param>
/// <param name="TouchMtime">Set mtime and ctime to now.</param>
public sealed record CommitRequest(IReadOnlyList<ChunkCommit> Commits, long MinSize, bool TouchMtime = true);

/// <summary>A write that could not reach its write quorum, reported so the event log says why.</summary>
/// <param name="ChunkId">Chunk identity.</param>
/// <param name="Version">The version that failed.</param>
/// <param name="WriteQuorum">Acknowledgements needed.</param>
/// <param name="Acknowledged">Servers that stored it.</param>
/// <param name="Failed">Servers that did not, and why.</param>
public sealed record WriteFailureReport(long ChunkId, long Version, int WriteQuorum, IReadOnlyList<int> Acknowledged, IReadOnlyList<ReplicaFailure> Failed);

/// <summary>A client's or server's finding about one replica (corrupt, stale, missing, or repaired back to ok).</summary>
/// <param name="ServerId">The replica's server.</param>
/// <param name="State">The new state.</param>
/// <param name="Version">The version the replica holds now (for ok: the committed version).</param>
/// <param name="Reason">What was seen.</param>
/// <param name="ReportedBy">Who saw it (e.g. "client:host/1234", "data-2").</param>
public sealed record ReplicaReport(int ServerId, ReplicaState State, long Version, string Reason, string ReportedBy);
