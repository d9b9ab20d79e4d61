using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Clients;

/// <summary>REST endpoints of client sessions (<c>/api/cluster/clients</c>).</summary>
internal static class ClientEndpoints
{
    /// <summary>Maps the client session endpoints.</summary>
    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var clients = endpoints.MapGroup("/api/cluster/clients")
            .WithTags("Clients")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        clients.MapPost("/", Register).WithName("RegisterClient")
            .WithSummary("Registers a client session with its quorums (1 ≤ Qr, Qw ≤ R); renew it within three heartbeat timeouts.");
        clients.MapPost("/{sessionId}/heartbeat", Renew).WithName("RenewClient").WithSummary("Renews a client session; 404 when it expired (register again).");
        clients.MapDelete("/{sessionId}", End).WithName("EndClient").WithSummary("Ends a client session.");
        clients.MapGet("/", List).WithName("ListClients").WithSummary("Live client sessions.");
        return endpoints;
    }

    private static async Task<Ok<ClientSession>> Register(RegisterClientRequest request, ClientSessionRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.RegisterAsync(request, cancellationToken));

    private static async Task<Ok<ClientSession>> Renew(long sessionId, ClientSessionRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.RenewAsync(sessionId, cancellationToken));

    private static async Task<NoContent> End(long sessionId, ClientSessionRegistry registry, CancellationToken cancellationToken)
    {
        await registry.EndAsync(sessionId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ClientSession>>> List(ClientSessionRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.ListAsync(cancellationToken));
}
