using System.Globalization;
using System.Text;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Hosting;

/// <summary>
/// Refuses a query string whose percent-decoded bytes are not valid UTF-8 (400, errno EILSEQ). ASP.NET Core keeps an
/// invalid sequence such as <c>%FF</c> as the literal text "%FF", so without this check <c>name=user.%FF</c> would
/// silently name the attribute "user.%FF" — a different name than the client's bytes, and the same as a client that
/// really meant "%FF". Names travel in query strings (lookup, unlink, rmdir, extended attributes), so they must be exact.
/// </summary>
public sealed class QueryEncodingMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the query string, then calls the rest of the pipeline.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.QueryString.Value;
        if (string.IsNullOrEmpty(query) || IsValid(query))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = nameof(Errno.EILSEQ),
                Detail = "The query string is not valid UTF-8 once percent-decoded. Names and values must be UTF-8, each byte above 0x7F percent-encoded.",
                Extensions =
                {
                    [ErrnoHttpStatus.ErrnoExtension] = (int)Errno.EILSEQ,
                    [ErrnoHttpStatus.CodeExtension] = nameof(Errno.EILSEQ),
                },
            },
        });
    }

    /// <summary>Whether every name and value of <paramref name="query"/> (raw, with its leading '?') decodes to valid UTF-8.</summary>
    public static bool IsValid(string query)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Without a percent escape every byte is either ASCII or comes from a character Kestrel already decoded, so
        // the query is valid as it stands: the usual case (every chunk request's ?version=&offset=&length=) is
        // answered without decoding or allocating anything.
        if (!query.Contains('%', StringComparison.Ordinal))
        {
            return true;
        }

        var bytes = new List<byte>(query.Length);
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '%' && i + 2 < query.Length
                && byte.TryParse(query.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var decoded))
            {
                bytes.Add(decoded);
                i += 2;
            }
            else if (c > 0x7F)
            {
                // Kestrel has already turned raw bytes of the request line into characters; they are UTF-8 by then.
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            _ = StrictUtf8.GetCharCount([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
