using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Meta.Events;

/// <summary>REST endpoints of the event log (<c>/api/events</c>).</summary>
internal static class EventEndpoints
{
    /// <summary>Maps the event endpoints.</summary>
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var events = endpoints.MapGroup("/api/events")
            .WithTags("Events")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        events.MapGet("/", Read).WithName("GetEvents")
            .WithSummary("Events after an id, oldest first; kind is a prefix filter such as 'replica.'; lastId is the newest id in the log.");
        events.MapPost("/", Add).WithName("AddEvent").WithSummary("Appends an event reported by a client or a data server.");
        return endpoints;
    }

    private static async Task<Ok<EventPage>> Read([FromQuery] long? after, [FromQuery] int? limit, [FromQuery] string? kind, EventLog log, CancellationToken cancellationToken) =>
        TypedResults.Ok(await log.ReadAsync(after ?? 0, limit, kind, cancellationToken));

    private static async Task<Created<ClusterEvent>> Add(NewEvent newEvent, EventLog log, CancellationToken cancellationToken)
    {
        var added = await log.AddAsync(newEvent, cancellationToken);
        return TypedResults.Created($"/api/events?after={added.Id - 1}&limit=1", added);
    }
}
