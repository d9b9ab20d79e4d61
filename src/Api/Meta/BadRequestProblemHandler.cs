using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace ReplicaFs.Api.Meta;

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a non-numeric route id, a wrong content type)
/// into a ProblemDetails response that says what was wrong, with the framework's 4xx status.
/// </summary>
internal sealed class BadRequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
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
