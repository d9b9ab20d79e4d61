using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Contracts.Api;

/// <summary>The metadata server's chunk map: which chunk versions make up a file and where they live.</summary>
public interface IChunkMapApi
{
    /// <summary>The chunks of a file with index in [from, from + count).</summary>
    [Get("/api/fs/inodes/{ino}/chunks")]
    Task<ChunkMapPage> GetChunksAsync(long ino, [Query] long from = 0, [Query] int? count = null, CancellationToken cancellationToken = default);

    /// <summary>Write leases (chunk id, next version, replica set) for chunk indexes of a file.</summary>
    [Post("/api/fs/inodes/{ino}/leases")]
    Task<LeaseResponse> AcquireLeasesAsync(long ino, [Body] LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Commits written chunk versions and extends the file, atomically.</summary>
    [Post("/api/fs/inodes/{ino}/commits")]
    Task<InodeAttributes> CommitAsync(long ino, [Body] CommitRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reports a write that missed its quorum; the previous version stays visible.</summary>
    [Post("/api/fs/inodes/{ino}/write-failures")]
    Task ReportWriteFailureAsync(long ino, [Body] WriteFailureReport report, CancellationToken cancellationToken = default);

    /// <summary>One chunk by id, with its file.</summary>
    [Get("/api/chunks/{chunkId}")]
    Task<ChunkInfo> GetChunkAsync(long chunkId, CancellationToken cancellationToken = default);

    /// <summary>Records what was found about one replica (corrupt, stale, missing, or repaired).</summary>
    [Post("/api/chunks/{chunkId}/replicas")]
    Task<ChunkInfo> ReportReplicaAsync(long chunkId, [Body] ReplicaReport report, CancellationToken cancellationToken = default);
}
