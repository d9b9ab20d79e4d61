using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>REST endpoints of cluster settings and membership (<c>/api/cluster</c>).</summary>
internal static class ClusterEndpoints
{
    /// <summary>Maps the cluster endpoints.</summary>
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var cluster = endpoints.MapGroup("/api/cluster")
            .WithTags("Cluster")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        cluster.MapGet("/config", GetConfig).WithName("GetConfig").WithSummary("Cluster settings: id, replicas, chunk size, heartbeat timing.");
        cluster.MapPost("/servers", Register).WithName("RegisterServer")
            .WithSummary("Registers a data server by URL; a known URL with a new instance id came back empty.");
        cluster.MapPost("/servers/{serverId}/heartbeat", Heartbeat).WithName("Heartbeat")
            .WithSummary("A data server's heartbeat; reRegister = true when the server or instance is unknown.");
        cluster.MapGet("/servers", ListServers).WithName("ListServers").WithSummary("Every known data server.");
        cluster.MapGet("/servers/{serverId}", GetServer).WithName("GetServer").WithSummary("One data server.");
        return endpoints;
    }

    private static Ok<ClusterConfig> GetConfig(ActiveClusterSettings settings) => TypedResults.Ok(settings.ToConfig());

    private static async Task<Ok<RegisterResponse>> Register(RegisterRequest request, MembershipService membership, CancellationToken cancellationToken) =>
        TypedResults.Ok(await membership.RegisterAsync(request, cancellationToken));

    private static async Task<Ok<HeartbeatResponse>> Heartbeat(int serverId, HeartbeatRequest request, MembershipService membership, CancellationToken cancellationToken) =>
        TypedResults.Ok(await membership.HeartbeatAsync(serverId, request, cancellationToken));

    private static async Task<Ok<IReadOnlyList<DataServerInfo>>> ListServers(MembershipService membership, CancellationToken cancellationToken) =>
        TypedResults.Ok(await membership.ListServersAsync(cancellationToken));

    private static async Task<Ok<DataServerInfo>> GetServer(int serverId, MembershipService membership, CancellationToken cancellationToken) =>
        TypedResults.Ok(await membership.GetServerAsync(serverId, cancellationToken));
}
