using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Web.Hosting;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// The local supervisor's REST API, used by <c>./replicafs kill|restore</c>: list the processes, SIGKILL a data server,
/// restore it empty. Loopback callers with the admin bearer token only.
/// </summary>
public static class SupervisorEndpoints
{
    /// <summary>Maps <c>/api/supervisor/processes</c>.</summary>
    public static IEndpointRouteBuilder MapSupervisorEndpoints(this IEndpointRouteBuilder endpoints, string adminToken)
    {
        var group = endpoints.MapGroup("/api/supervisor/processes")
            .WithTags("Supervisor")
            .AddEndpointFilter<LoopbackOnlyFilter>()
            .AddEndpointFilter(new AdminTokenFilter(adminToken));

        group.MapGet("/", ListProcesses)
            .WithName("ListSupervisedProcesses")
            .WithSummary("Every process of the local cluster (meta, data-N, mount) with its state, pid and exit code.");
        group.MapPost("/{name}/kill", KillProcessAsync)
            .WithName("KillSupervisedProcess")
            .WithSummary("SIGKILL a data server; it stays down until restored (no automatic restart).");
        group.MapPost("/{name}/restore", RestoreProcessAsync)
            .WithName("RestoreSupervisedProcess")
            .WithSummary("Start a killed or exited data server again on its port with an empty data directory; it rebuilds from its peers.");
        return endpoints;
    }

    private static Ok<IReadOnlyList<SupervisedProcessInfo>> ListProcesses(ISupervisedProcesses supervisor) =>
        TypedResults.Ok(supervisor.Processes);

    private static async Task<Results<Ok<ProcessActionResult>, ProblemHttpResult>> KillProcessAsync(string name, ISupervisedProcesses supervisor, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await supervisor.KillAsync(name, cancellationToken));
        }
        catch (SupervisorActionException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<Results<Ok<ProcessActionResult>, ProblemHttpResult>> RestoreProcessAsync(string name, ISupervisedProcesses supervisor, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await supervisor.RestoreAsync(name, cancellationToken));
        }
        catch (SupervisorActionException ex)
        {
            return Problem(ex);
        }
    }

    private static ProblemHttpResult Problem(SupervisorActionException ex) =>
        TypedResults.Problem(statusCode: ex.StatusCode, title: ex.Title, detail: ex.Message);
}
