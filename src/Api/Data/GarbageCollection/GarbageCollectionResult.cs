namespace ReplicaFs.Api.Data.GarbageCollection;

/// <summary>What one garbage-collection pass did.</summary>
/// <param name="Offered">Chunk versions offered to the metadata server.</param>
/// <param name="Deleted">Versions deleted.</param>
/// <param name="BytesDeleted">Their bytes.</param>
internal sealed record GarbageCollectionResult(long Offered, long Deleted, long BytesDeleted);
