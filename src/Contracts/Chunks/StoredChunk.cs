namespace ReplicaFs.Contracts.Chunks;

/// <summary>A chunk version held by a data server.</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version.</param>
/// <param name="Length">Stored length in bytes.</param>
/// <param name="Checksum">The checksum recorded when it was written (not recomputed).</param>
public sealed record StoredChunk(string Key, long Version, long Length, string Checksum);

/// <summary>A page of a data server's chunk list, ordered by key then version.</summary>
/// <param name="Chunks">The chunks.</param>
/// <param name="NextAfter">Pass as <c>after</c> to continue, or null at the end.</param>
public sealed record StoredChunkPage(IReadOnlyList<StoredChunk> Chunks, string? NextAfter);

/// <summary>The digest of what a data server actually stores for a chunk version, recomputed from the bytes on disk.</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version.</param>
/// <param name="Length">Stored length.</param>
/// <param name="Checksum">Checksum computed from the stored bytes.</param>
/// <param name="RecordedChecksum">Checksum recorded when the chunk was written.</param>
/// <param name="Intact">Whether the two agree.</param>
public sealed record ChunkDigest(string Key, long Version, long Length, string Checksum, string RecordedChecksum, bool Intact);

/// <summary>Ask a data server to replace its copy of a chunk version with one pulled from another server.</summary>
/// <param name="Version">The version to fetch.</param>
/// <param name="Checksum">The committed checksum the fetched bytes must hash to.</param>
/// <param name="SourceUrl">Base URL of a data server holding a good copy.</param>
public sealed record RepairRequest(long Version, string Checksum, string SourceUrl);

/// <summary>What a repair did.</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version now stored.</param>
/// <param name="Length">Its length.</param>
/// <param name="Checksum">Its verified checksum.</param>
/// <param name="Replaced">Whether an existing (bad) copy was replaced.</param>
public sealed record RepairResult(string Key, long Version, long Length, string Checksum, bool Replaced);

/// <summary>Flip bytes of a stored chunk on disk without fixing its checksum (fault injection).</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version to damage; the newest when null.</param>
/// <param name="Offset">Where to start flipping; the middle of the chunk when null.</param>
/// <param name="Count">How many bytes to flip.</param>
public sealed record CorruptRequest(string Key, long? Version = null, long? Offset = null, int Count = 16);

/// <summary>What a corruption did.</summary>
public sealed record CorruptResult(string Key, long Version, long Offset, int Count);
