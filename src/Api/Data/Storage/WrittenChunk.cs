namespace ReplicaFs.Api.Data.Storage;

/// <summary>A chunk version written and fsync'd to a temporary file, not yet in place.</summary>
/// <param name="TempPath">The temporary file.</param>
/// <param name="Header">Its header.</param>
/// <param name="BlockHashes">Its block hashes.</param>
internal sealed record WrittenChunk(string TempPath, ChunkFileHeader Header, ulong[] BlockHashes);
