using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Hosting;

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a non-numeric route id, a wrong content type)
/// into a ProblemDetails response that says what was wrong, with the framework's 4xx status. Every 400 of both
/// server roles carries errno EINVAL, so clients map framework-level rejections exactly like the server's own.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Adds <c>errno</c> EINVAL to a 400 problem that has no errno yet (validation and binding failures).</summary>
    public static void AddInvalidArgumentErrno(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Status == StatusCodes.Status400BadRequest && !context.ProblemDetails.Extensions.ContainsKey(ErrnoHttpStatus.ErrnoExtension))
        {
            context.ProblemDetails.Extensions[ErrnoHttpStatus.ErrnoExtension] = (int)Errno.EINVAL;
            context.ProblemDetails.Extensions[ErrnoHttpStatus.CodeExtension] = nameof(Errno.EINVAL);
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported Media Type" : "Bad Request",
                Detail = detail,
            },
        });
    }
}
