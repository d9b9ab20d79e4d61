using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>
/// Fault injection (<c>/api/faults</c>): mapped only when the server runs with <c>--enable-faults</c>, and every call
/// needs the admin bearer token.
/// </summary>
public static class FaultEndpoints
{
    /// <summary>Most bytes one corrupt call flips.</summary>
    public const int MaxCorruptCount = 1024 * 1024;

    /// <summary>Maps <c>/api/faults</c>, guarded by <paramref name="adminToken"/>.</summary>
    public static IEndpointRouteBuilder MapFaultEndpoints(this IEndpointRouteBuilder app, string adminToken)
    {
        var group = AdminTokenGuard.GuardWith(app.MapGroup("/api/faults").WithTags("Faults"), adminToken)
            .AddEndpointFilter<PosixErrorFilter>();

        group.MapPost("/corrupt", Corrupt)
            .WithName("CorruptChunk")
            .WithSummary("Flips (XOR 0xFF) bytes of a stored chunk payload on disk without fixing its recorded checksum.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/crash", Crash)
            .WithName("CrashDataServer")
            .WithSummary("Crash: drops every stored chunk (disk and memory) and answers 503 to everything but /healthz, /api/stats and restore until restored.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/restore", Restore)
            .WithName("RestoreDataServer")
            .WithSummary("Restore after a crash: comes back empty with a new instance id, registers again and rebuilds from its peers (409 when not crashed).")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/", GetFaults)
            .WithName("GetInjectedFaults")
            .WithSummary("The faults injected now: latency, disk full, cut off, crashed, and since when writes are refused for lack of space.");

        group.MapPost("/latency", SetLatency)
            .WithName("InjectLatency")
            .WithSummary($"Delays every chunk request by delayMs milliseconds before it is handled (0 ends it; at most {NetworkFaults.MaxLatencyMs}).")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/disk-full", SetDiskFull)
            .WithName("InjectDiskFull")
            .WithSummary("While full is true, every chunk write and repair is refused with ENOSPC (507) as on a full disk and nothing is stored; reads go on.");

        group.MapPost("/cut-off", SetCutOff)
            .WithName("InjectCutOff")
            .WithSummary("Cuts the server off the network: every request but these fault endpoints loses its connection (Reset: at once; Silent: held unanswered), and its own calls to meta and peers fail. Off reconnects it.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static Ok<InjectedFaults> GetFaults(NetworkFaults network, ChunkStore store, ServerCrashState crash) =>
        TypedResults.Ok(Current(network, store, crash));

    private static Ok<InjectedFaults> SetLatency(LatencyFault fault, NetworkFaults network, ChunkStore store, ServerCrashState crash, ILogger<NetworkFaults> logger)
    {
        if (fault.DelayMs is < 0 or > NetworkFaults.MaxLatencyMs)
        {
            throw DataProblems.Invalid($"'delayMs' must be between 0 and {NetworkFaults.MaxLatencyMs} (got {fault.DelayMs}).");
        }

        network.SetLatency(fault.DelayMs);
        FaultLog.Latency(logger, fault.DelayMs);
        return TypedResults.Ok(Current(network, store, crash));
    }

    private static Ok<InjectedFaults> SetDiskFull(DiskFullFault fault, NetworkFaults network, ChunkStore store, ServerCrashState crash, ILogger<NetworkFaults> logger)
    {
        store.DiskSpace.Inject(fault.Full);
        FaultLog.DiskFull(logger, fault.Full);
        return TypedResults.Ok(Current(network, store, crash));
    }

    private static Ok<InjectedFaults> SetCutOff(CutOffFault fault, NetworkFaults network, ChunkStore store, ServerCrashState crash, ILogger<NetworkFaults> logger)
    {
        if (!Enum.IsDefined(fault.Mode))
        {
            throw DataProblems.Invalid("'mode' must be Off, Reset or Silent.");
        }

        network.SetCutOff(fault.Mode);
        FaultLog.CutOff(logger, fault.Mode);
        return TypedResults.Ok(Current(network, store, crash));
    }

    private static InjectedFaults Current(NetworkFaults network, ChunkStore store, ServerCrashState crash) =>
        new(network.LatencyMs, store.DiskSpace.InjectedFull, network.CutOff, crash.Crashed, store.DiskSpace.FullSince);

    private static async Task<Ok<DataServerStatus>> Crash(CrashService crash, DataServerStatusSource status, CancellationToken cancellationToken)
    {
        await crash.CrashAsync(cancellationToken);
        return TypedResults.Ok(status.Current());
    }

    private static async Task<Ok<DataServerStatus>> Restore(CrashService crash, DataServerStatusSource status, CancellationToken cancellationToken)
    {
        await crash.RestoreAsync(cancellationToken);
        return TypedResults.Ok(status.Current());
    }

    private static async Task<Results<Ok<CorruptResult>, ProblemHttpResult>> Corrupt(CorruptRequest request, ChunkStore store, CancellationToken cancellationToken)
    {
        ChunkRequestChecks.Key(request.Key);
        ChunkRequestChecks.OptionalVersion(request.Version);
        if (request.Offset < 0)
        {
            throw DataProblems.Invalid($"'offset' must not be negative (got {request.Offset}).");
        }

        if (request.Count is < 1 or > MaxCorruptCount)
        {
            throw DataProblems.Invalid($"'count' must be between 1 and {MaxCorruptCount} (got {request.Count}).");
        }

        var result = await store.CorruptAsync(request.Key, request.Version, request.Offset, request.Count, cancellationToken);
        return result is null
            ? DataProblems.NotFound(request.Key, request.Version, store.Versions(request.Key))
            : TypedResults.Ok(result);
    }
}
