using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>REST endpoints data servers use to heal themselves: assignments and garbage checks (<c>/api/cluster/servers/{serverId}</c>).</summary>
internal static class HealingEndpoints
{
    /// <summary>Maps the self-healing endpoints.</summary>
    public static IEndpointRouteBuilder MapHealingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var server = endpoints.MapGroup("/api/cluster/servers/{serverId}")
            .WithTags("Self-healing")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        server.MapGet("/assignments", GetAssignments).WithName("GetAssignments")
            .WithSummary("Replicas this data server should hold but does not hold in good shape (rebuild, catch-up, repair), fewest live copies first, with sources.");
        server.MapPost("/garbage-check", CheckGarbage).WithName("CheckGarbage")
            .WithSummary("Which of the offered chunk versions (at most 10,000) this data server should delete.");
        return endpoints;
    }

    private static async Task<Ok<ReplicaAssignmentPage>> GetAssignments(int serverId, [FromQuery] int? limit, AssignmentService assignments, CancellationToken cancellationToken) =>
        TypedResults.Ok(await assignments.GetAsync(serverId, limit, cancellationToken));

    private static async Task<Ok<GarbageCheckResponse>> CheckGarbage(int serverId, GarbageCheckRequest request, GarbageCheckService garbage, CancellationToken cancellationToken) =>
        TypedResults.Ok(await garbage.CheckAsync(serverId, request, cancellationToken));
}
