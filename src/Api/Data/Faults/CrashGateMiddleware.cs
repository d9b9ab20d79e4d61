using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>
/// While the server is crashed, answers every request with 503 (ProblemDetails, errno EAGAIN) except
/// <c>/healthz</c> (which says unhealthy), <c>/api/stats</c> (which says crashed) and <c>POST /api/faults/restore</c>.
/// </summary>
internal sealed class CrashGateMiddleware(RequestDelegate next, ServerCrashState state, ServerIdentity identity, IProblemDetailsService problems)
{
    private static readonly PathString[] StillServed = ["/healthz", "/api/stats", "/api/faults/restore"];

    /// <summary>Passes the request on, or refuses it while crashed.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!state.Crashed || StillServed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.Ordinal)))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = nameof(Errno.EAGAIN),
                Detail = $"{identity.Name} has crashed (fault injection): it holds no data and serves nothing until it is restored with POST /api/faults/restore.",
                Extensions =
                {
                    [ErrnoHttpStatus.ErrnoExtension] = (int)Errno.EAGAIN,
                    [ErrnoHttpStatus.CodeExtension] = nameof(Errno.EAGAIN),
                },
            },
        });
    }
}
