using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Storage;
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
            .WithSummary("Instance id, server id (once registered), advertised URL and storage figures of this data server.");
        return app;
    }

    private static Ok<DataServerStatus> GetStatus(ChunkStore store, ServerIdentity identity) =>
        TypedResults.Ok(new DataServerStatus(store.InstanceId, identity.ServerId, identity.Url, Crashed: false, store.Stats()));
}
