using System.Security.Cryptography;
using System.Text;

namespace ReplicaFs.Api.Hosting;

/// <summary>
/// The admin bearer token an endpoint needs: <c>Authorization: Bearer &lt;admin token&gt;</c>, 401 without a token,
/// 403 with a wrong one. Endpoints carry it as metadata (<see cref="GuardWith{TBuilder}"/>) and
/// <see cref="AdminTokenMiddleware"/> enforces it before the endpoint runs, so the request body is never even read.
/// </summary>
public sealed class AdminTokenGuard(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Guards every endpoint of <paramref name="builder"/> with <paramref name="token"/> and documents its 401 and 403.</summary>
    public static TBuilder GuardWith<TBuilder>(TBuilder builder, string token)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithMetadata(new AdminTokenGuard(token))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
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
