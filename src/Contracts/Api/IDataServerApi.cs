using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Contracts.Api;

/// <summary>
/// A data server: chunk versions stored on disk. Chunk bodies are raw <c>application/octet-stream</c>;
/// version and checksum travel in the headers of <see cref="ChunkHeaders"/>.
/// </summary>
public interface IDataServerApi
{
    /// <summary>Stores a chunk version. The server verifies the body against the checksum before it acknowledges (201; 200 if the same version was already stored).</summary>
    [Put("/api/chunks/{key}")]
    Task<HttpResponseMessage> PutChunkAsync(string key, [Query] long version, [Header(ChunkHeaders.Checksum)] string checksum, [Body] HttpContent content, CancellationToken cancellationToken = default);

    /// <summary>Reads a chunk version (newest when version is null), optionally a block-aligned range of it.</summary>
    [Get("/api/chunks/{key}")]
    Task<HttpResponseMessage> GetChunkAsync(string key, [Query] long? version = null, [Query] long? offset = null, [Query] long? length = null, CancellationToken cancellationToken = default);

    /// <summary>Version, length and checksum of a stored chunk version, as headers.</summary>
    [Head("/api/chunks/{key}")]
    Task<HttpResponseMessage> HeadChunkAsync(string key, [Query] long? version = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes one version, every version below a version, or all versions of a chunk.</summary>
    [Delete("/api/chunks/{key}")]
    Task<HttpResponseMessage> DeleteChunkAsync(string key, [Query] long? version = null, [Query] long? below = null, CancellationToken cancellationToken = default);

    /// <summary>The checksum of a stored chunk version, recomputed from the bytes on disk.</summary>
    [Get("/api/chunks/{key}/digest")]
    Task<ChunkDigest> GetDigestAsync(string key, [Query] long? version = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The checksum of a stored chunk version with only the 64 KiB blocks covering [offset, offset + length) re-read and
    /// re-hashed from disk; the other blocks' hashes are taken from the recorded block table. What a quorum read of
    /// that range needs to know, without reading the whole chunk.
    /// </summary>
    [Get("/api/chunks/{key}/digest")]
    Task<ChunkDigest> GetRangeDigestAsync(string key, [Query] long? version, [Query] long? offset, [Query] long? length, CancellationToken cancellationToken = default);

    /// <summary>Stored chunk versions, ordered by key, one page at a time.</summary>
    [Get("/api/chunks")]
    Task<StoredChunkPage> ListChunksAsync([Query] string? after = null, [Query] int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Pulls a chunk version from another data server, verifies it and atomically replaces the local copy.</summary>
    [Post("/api/chunks/{key}/repair")]
    Task<RepairResult> RepairAsync(string key, [Body] RepairRequest request, CancellationToken cancellationToken = default);

    /// <summary>Identity and storage figures of this server.</summary>
    [Get("/api/stats")]
    Task<DataServerStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Fault injection on a data server. These endpoints exist only when the server runs with
/// <c>--enable-faults</c> and require the admin bearer token.
/// </summary>
[Headers("Authorization: Bearer")]
public interface IDataFaultsApi
{
    /// <summary>Flips bytes of a stored chunk on disk without fixing its checksum.</summary>
    [Post("/api/faults/corrupt")]
    Task<CorruptResult> CorruptAsync([Body] CorruptRequest request, CancellationToken cancellationToken = default);

    /// <summary>Crash: drops every stored chunk (memory and disk) and answers 503 until restored.</summary>
    [Post("/api/faults/crash")]
    Task<DataServerStatus> CrashAsync(CancellationToken cancellationToken = default);

    /// <summary>Restore after a crash: comes back empty (a new instance id), registers again and rebuilds from its peers.</summary>
    [Post("/api/faults/restore")]
    Task<DataServerStatus> RestoreAsync(CancellationToken cancellationToken = default);

    /// <summary>The faults injected now.</summary>
    [Get("/api/faults")]
    Task<InjectedFaults> GetFaultsAsync(CancellationToken cancellationToken = default);

    /// <summary>Slows every chunk request down by a delay (0 ends it).</summary>
    [Post("/api/faults/latency")]
    Task<InjectedFaults> SetLatencyAsync([Body] LatencyFault fault, CancellationToken cancellationToken = default);

    /// <summary>Makes every chunk write and repair fail with ENOSPC as on a full disk, or ends that.</summary>
    [Post("/api/faults/disk-full")]
    Task<InjectedFaults> SetDiskFullAsync([Body] DiskFullFault fault, CancellationToken cancellationToken = default);

    /// <summary>Cuts the server off the network (its connections dropped, its own calls failing), or reconnects it.</summary>
    [Post("/api/faults/cut-off")]
    Task<InjectedFaults> SetCutOffAsync([Body] CutOffFault fault, CancellationToken cancellationToken = default);
}

/// <summary>Operator actions on a data server; they require the admin bearer token.</summary>
[Headers("Authorization: Bearer")]
public interface IDataAdminApi
{
    /// <summary>Starts a scrub pass now (re-verify every stored chunk); returns at once with the progress so far.</summary>
    [Post("/api/admin/scrub")]
    Task<ScrubProgress> StartScrubAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks for rebuild/catch-up assignments now instead of at the next periodic check.</summary>
    [Post("/api/admin/rebuild")]
    Task<DataServerStatus> StartRebuildAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs a garbage-collection pass now.</summary>
    [Post("/api/admin/gc")]
    Task<DataServerStatus> StartGarbageCollectionAsync(CancellationToken cancellationToken = default);
}
