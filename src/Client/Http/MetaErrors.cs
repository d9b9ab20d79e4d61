using System.Net;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Http;

/// <summary>
/// Turns metadata server failures into <see cref="PosixException"/>s: a ProblemDetails answer with an <c>errno</c>
/// extension becomes exactly that errno; other error answers are mapped from their HTTP status; an unreachable or
/// silent metadata server becomes EIO with a message that says so. Caller cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal static class MetaErrors
{
    /// <summary>Longest error body read.</summary>
    public const int MaxBodyChars = 16 * 1024;

    /// <summary>The exception for a non-success answer (Refit's ExceptionFactory); null for success.</summary>
    public static async ValueTask<Exception?> FromResponseAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await ReadBodyAsync(response);
        return FromStatus(response.StatusCode, body, response.RequestMessage?.Method, response.RequestMessage?.RequestUri);
    }

    /// <summary>The exception for a status code and body.</summary>
    public static PosixException FromStatus(HttpStatusCode status, string? body, HttpMethod? method, Uri? uri)
    {
        var (errno, detail, title) = ProblemText.Parse(body);
        var message = detail ?? title ?? $"{(int)status} {status}";
        if (errno is { } number && number > 0 && Enum.IsDefined((Errno)number))
        {
            return new PosixException((Errno)number, message);
        }

        var mapped = status switch
        {
            HttpStatusCode.NotFound => Errno.ENOENT,
            HttpStatusCode.Conflict => Errno.EEXIST,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Errno.EACCES,
            HttpStatusCode.RequestEntityTooLarge => Errno.EFBIG,
            HttpStatusCode.InsufficientStorage => Errno.ENOSPC,
            HttpStatusCode.NotImplemented => Errno.ENOSYS,
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => Errno.EINVAL,
            _ => Errno.EIO,
        };
        return new PosixException(mapped, $"The metadata server answered {method} {uri?.AbsolutePath} with {(int)status}: {message}");
    }

    /// <summary>The exception for a failure before any answer (Refit's TransportExceptionFactory).</summary>
    public static Exception FromTransport(HttpRequestMessage request, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return exception;
        }

        if (exception is PosixException)
        {
            return exception;
        }

        var server = request?.RequestUri is { } uri ? $"{uri.Scheme}://{uri.Authority}" : "(unknown)";
        var why = exception is TimeoutException ? exception.Message : Innermost(exception).Message;
        return new PosixException(Errno.EIO, $"The metadata server at {server} is unreachable ({request?.Method} {request?.RequestUri?.AbsolutePath}): {why}", exception);
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private static async Task<string?> ReadBodyAsync(HttpResponseMessage response)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync();
            return text.Length > MaxBodyChars ? text[..MaxBodyChars] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
