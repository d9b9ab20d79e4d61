using System.Diagnostics;

namespace ReplicaFs.Api.Data.Activity;

/// <summary>Counts every request to <c>/api/chunks</c> and its duration (including the streamed body) in <see cref="DataServerActivity"/>.</summary>
internal sealed class ChunkRequestTimingMiddleware(RequestDelegate next, DataServerActivity activity)
{
    /// <summary>Runs the request, timing it when it is a chunk request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments("/api/chunks", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            activity.RequestServed(Stopwatch.GetTimestamp() - started);
        }
    }
}
