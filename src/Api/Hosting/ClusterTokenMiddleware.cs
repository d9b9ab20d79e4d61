using System.Security.Cryptography;
using System.Text;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Hosting;

/// <summary>When the cluster runs with a cluster token, every <c>/api</c> call must carry it in <see cref="ChunkHeaders.ClusterToken"/>.</summary>
public sealed class ClusterTokenMiddleware(RequestDelegate next, string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    /// <summary>Checks the token, then calls the rest of the pipeline.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            var given = Encoding.UTF8.GetBytes(context.Request.Headers[ChunkHeaders.ClusterToken].ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, _expected))
            {
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Cluster token required",
                    detail: $"This cluster requires the '{ChunkHeaders.ClusterToken}' header.").ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    }
}
