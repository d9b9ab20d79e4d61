using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>The data server's status endpoint (<c>/api/stats</c>).</summary>
public static class StatsEndpoints
{
    /// <summary>Maps <c>/api/stats</c>.</summary>
    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/stats").WithTags("Status")
            .MapGet("/", GetStatus)
            .WithName("GetDataServerStatus")
            .WithSummary("Instance id, server id (once registered), advertised URL, crashed or not, storage figures and activity (requests, latency, rebuild and scrub progress) of this data server.");
        return app;
    }

    private static Ok<DataServerStatus> GetStatus(DataServerStatusSource status) => TypedResults.Ok(status.Current());
}
