using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>REST endpoints of the chunk map, as <see cref="Contracts.Api.IChunkMapApi"/> defines them.</summary>
internal static class ChunkMapEndpoints
{
    /// <summary>Maps the per-file chunk map endpoints and the per-chunk endpoints.</summary>
    public static IEndpointRouteBuilder MapChunkMapEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var files = endpoints.MapGroup("/api/fs/inodes/{ino}")
            .WithTags("Chunk map")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        files.MapGet("/chunks", GetChunks).WithName("GetChunks")
            .WithSummary("The chunks of a regular file with index in [from, from + count), each with every replica, plus the file size and chunk size.");
        files.MapPost("/leases", AcquireLeases).WithName("AcquireLeases")
            .WithSummary("Write leases (chunk id, a never-reused version, base version, replica set) for chunk indexes of a file.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        files.MapPost("/commits", Commit).WithName("Commit")
            .WithSummary("Commits written chunk versions atomically (compare-and-swap on the base version) and extends the file.");
        files.MapPost("/write-failures", ReportWriteFailure).WithName("ReportWriteFailure")
            .WithSummary("Records a write that missed its quorum as a quorum.write-failed event; nothing else changes.");

        var chunks = endpoints.MapGroup("/api/chunks")
            .WithTags("Chunks")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        chunks.MapGet("/{chunkId}", GetChunk).WithName("GetChunk").WithSummary("One chunk by id, with its replicas.");
        chunks.MapPost("/{chunkId}/replicas", ReportReplica).WithName("ReportReplica")
            .WithSummary("Records what was found about one replica (corrupt, stale, missing, rebuilding, or ok again at the committed version).");
        return endpoints;
    }

    private static async Task<Ok<ChunkMapPage>> GetChunks(long ino, [FromQuery] long? from, [FromQuery] int? count, ChunkMapReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetChunksAsync(ino, from ?? 0, count, cancellationToken));

    private static async Task<Ok<LeaseResponse>> AcquireLeases(long ino, LeaseRequest request, LeaseService leases, CancellationToken cancellationToken) =>
        TypedResults.Ok(await leases.AcquireAsync(ino, request, cancellationToken));

    private static async Task<Ok<InodeAttributes>> Commit(long ino, CommitRequest request, CommitService commits, CancellationToken cancellationToken) =>
        TypedResults.Ok(await commits.CommitAsync(ino, request, cancellationToken));

    private static async Task<Ok<ClusterEvent>> ReportWriteFailure(long ino, WriteFailureReport report, WriteFailureRecorder recorder, CancellationToken cancellationToken) =>
        TypedResults.Ok(await recorder.RecordAsync(ino, report, cancellationToken));

    private static async Task<Ok<ChunkInfo>> GetChunk(long chunkId, ChunkMapReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetChunkAsync(chunkId, cancellationToken));

    private static async Task<Ok<ChunkInfo>> ReportReplica(long chunkId, ReplicaReport report, ReplicaReportService reports, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reports.ReportAsync(chunkId, report, cancellationToken));
}
