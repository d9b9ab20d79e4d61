using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Hosting;

/// <summary>
/// Turns a <see cref="PosixException"/> thrown by an endpoint into a ProblemDetails response with the matching
/// HTTP status and the errno in its extensions, so a client can map it back exactly.
/// </summary>
public sealed class PosixErrorFilter : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (PosixException ex)
        {
            return Problem(ex.Errno, ex.Message);
        }
    }

    /// <summary>A ProblemDetails result for <paramref name="errno"/>.</summary>
    public static ProblemHttpResult Problem(Errno errno, string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: ErrnoHttpStatus.For(errno),
            title: errno.ToString(),
            extensions: new Dictionary<string, object?>
            {
                [ErrnoHttpStatus.ErrnoExtension] = (int)errno,
                [ErrnoHttpStatus.CodeExtension] = errno.ToString(),
            });
}
