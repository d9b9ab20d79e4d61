using System.Net;

namespace ReplicaFs.Web.Hosting;

/// <summary>Refuses (403) requests that do not come from this machine, whatever address the dashboard listens on.</summary>
public sealed class LoopbackOnlyFilter : IEndpointFilter
{
    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Loopback only",
                detail: "The supervisor API answers only calls from this machine."));
        }

        return next(context);
    }
}
