namespace ReplicaFs.Api.Data.Storage;

/// <summary>One stored chunk version as the index knows it.</summary>
/// <param name="Version">The version.</param>
/// <param name="Length">Stored payload length.</param>
/// <param name="Checksum">The checksum recorded when it was written.</param>
/// <param name="StoredAtUnixMs">When its file was written (the header's "created at"), in Unix milliseconds.</param>
internal readonly record struct StoredVersion(long Version, long Length, ulong Checksum, long StoredAtUnixMs = 0);
