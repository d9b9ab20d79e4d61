using System.Security.Cryptography;
using System.Text;

namespace ReplicaFs.Api.Hosting;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>: 401 without a token, 403 with a wrong one.
/// Put it on a group both as a filter and as metadata (<see cref="GuardWith{TBuilder}"/>): as metadata,
/// <see cref="AdminTokenMiddleware"/> checks the token before the request body is even read.
/// </summary>
public sealed class AdminTokenFilter(string token) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Guards every endpoint of <paramref name="builder"/> with <paramref name="token"/>.</summary>
    public static TBuilder GuardWith<TBuilder>(TBuilder builder, string token)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var filter = new AdminTokenFilter(token);
        return builder.WithMetadata(filter).AddEndpointFilter(filter);
    }

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return Refusal(context.HttpContext) is { } refusal ? ValueTask.FromResult<object?>(refusal) : next(context);
    }

    /// <summary>The 401 or 403 answer for a request without the right token; null when the token is right.</summary>
    public IResult? Refusal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin token required",
                detail: "This endpoint needs 'Authorization: Bearer <admin token>'.");
        }

        var given = Encoding.UTF8.GetBytes(header[7..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Wrong admin token",
                detail: "The bearer token does not match the server's admin token.");
        }

        return null;
    }
}
