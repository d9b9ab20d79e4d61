using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Api.Data.GarbageCollection;
using ReplicaFs.Api.Data.Rebuild;
using ReplicaFs.Api.Data.Scrub;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>
/// Operator actions (<c>/api/admin</c>), as declared by <c>IDataAdminApi</c>: mapped only when the server has an admin
/// token, and every call needs it as a bearer token.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Maps <c>/api/admin</c>, guarded by <paramref name="adminToken"/>.</summary>
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app, string adminToken)
    {
        var group = AdminTokenGuard.GuardWith(app.MapGroup("/api/admin").WithTags("Admin"), adminToken)
            .AddEndpointFilter<PosixErrorFilter>();

        group.MapPost("/scrub", StartScrub)
            .WithName("StartScrub")
            .WithSummary("Starts a scrub pass now (re-verify every stored chunk version), or reports the one under way; returns at once with its progress.");

        group.MapPost("/rebuild", StartRebuild)
            .WithName("StartRebuild")
            .WithSummary("Asks the metadata server for replicas to rebuild, catch up or repair now (also retrying those that failed recently); returns at once.");

        group.MapPost("/gc", CollectGarbage)
            .WithName("CollectGarbage")
            .WithSummary("Runs a garbage-collection pass now and returns the status after it.")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static Ok<ScrubProgress> StartScrub(Scrubber scrubber) => TypedResults.Ok(scrubber.StartPass());

    private static Ok<DataServerStatus> StartRebuild(AssignmentPuller puller, DataServerStatusSource status)
    {
        puller.Trigger(retryFailed: true);
        return TypedResults.Ok(status.Current());
    }

    private static async Task<Ok<DataServerStatus>> CollectGarbage(GarbageCollector collector, DataServerStatusSource status, CancellationToken cancellationToken)
    {
        await collector.CollectAsync(cancellationToken);
        return TypedResults.Ok(status.Current());
    }
}
