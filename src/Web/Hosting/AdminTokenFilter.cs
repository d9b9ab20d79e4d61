using System.Security.Cryptography;
using System.Text;

namespace ReplicaFs.Web.Hosting;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;admin token&gt;</c>: 401 without a token, 403 with a wrong one.</summary>
public sealed class AdminTokenFilter(string token) : IEndpointFilter
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin token required",
                detail: "This endpoint needs 'Authorization: Bearer <admin token>'."));
        }

        var given = Encoding.UTF8.GetBytes(header[7..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Wrong admin token",
                detail: "The bearer token does not match the cluster's admin token."));
        }

        return next(context);
    }
}
