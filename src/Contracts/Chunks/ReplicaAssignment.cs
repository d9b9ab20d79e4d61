namespace ReplicaFs.Contracts.Chunks;

/// <summary>
/// A replica a data server should hold but does not hold in good shape (state Missing, Stale, Corrupt or Rebuilding):
/// the server pulls the committed version from one of <paramref name="Sources"/>, verifies it against
/// <paramref name="Checksum"/>, stores it, and reports the replica Ok. This one mechanism is rebuild (a server that came
/// back empty), catch-up (a server that missed writes) and repair after scrubbing.
/// </summary>
/// <param name="ChunkId">The chunk.</param>
/// <param name="Key">Its key on data servers.</param>
/// <param name="Version">The committed version to fetch.</param>
/// <param name="Length">Stored length of that version in bytes (for throttling and progress).</param>
/// <param name="Checksum">The committed checksum the fetched bytes must hash to.</param>
/// <param name="State">This server's replica state now.</param>
/// <param name="LiveCopies">Valid copies on other servers; assignments come fewest-live-copies first.</param>
/// <param name="Sources">Servers holding a valid copy, best first.</param>
public sealed record ReplicaAssignment(long ChunkId, string Key, long Version, long Length, string Checksum, ReplicaState State, int LiveCopies, IReadOnlyList<ReplicaTarget> Sources);

/// <summary>A batch of assignments, fewest live copies first.</summary>
/// <param name="Assignments">The assignments.</param>
/// <param name="Remaining">Assignments for this server in all, including this batch.</param>
/// <param name="RemainingBytes">Their bytes in all.</param>
public sealed record ReplicaAssignmentPage(IReadOnlyList<ReplicaAssignment> Assignments, long Remaining, long RemainingBytes);

/// <summary>A chunk version a data server stores, offered for garbage collection.</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version.</param>
/// <param name="StoredAt">When it was written.</param>
public sealed record GarbageCandidate(string Key, long Version, DateTimeOffset StoredAt);

/// <summary>A data server asks which of its chunk versions are garbage.</summary>
public sealed record GarbageCheckRequest(IReadOnlyList<GarbageCandidate> Chunks);

/// <summary>
/// The versions to delete: of chunks no file references any more (deleted or truncated away, or moved to another
/// server by re-replication), versions older than the committed one once this server holds the committed one, and
/// versions newer than the committed one that were never committed and are older than a grace period.
/// </summary>
/// <param name="Delete">Versions to delete.</param>
public sealed record GarbageCheckResponse(IReadOnlyList<StoredChunk> Delete);
