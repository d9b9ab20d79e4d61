using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Health;

/// <summary>REST endpoint of the health summary (<c>/api/cluster/health</c>).</summary>
internal static class HealthEndpoints
{
    /// <summary>Maps the health endpoint.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/api/cluster/health")
            .WithTags("Health")
            .AddEndpointFilter<PosixErrorFilter>();

        health.MapGet("/", GetHealth).WithName("GetHealth")
            .WithSummary("Healthy, degraded or unavailable, with reasons, counters, the replica matrix and the live clients.");
        return endpoints;
    }

    private static async Task<Ok<ClusterHealth>> GetHealth(HealthService health, CancellationToken cancellationToken) =>
        TypedResults.Ok(await health.GetAsync(cancellationToken));
}
