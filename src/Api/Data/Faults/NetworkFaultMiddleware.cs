using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>
/// Applies the injected network faults to incoming requests (mapped only with <c>--enable-faults</c>): while the server
/// is cut off, every request but the fault endpoints loses its connection, at once (<see cref="CutOffMode.Reset"/>) or
/// after being held unanswered until the caller gives up or the server is reconnected (<see cref="CutOffMode.Silent"/>);
/// with injected latency, every chunk request waits that long before it is handled.
/// </summary>
internal sealed class NetworkFaultMiddleware(RequestDelegate next, NetworkFaults faults)
{
    /// <summary>Longest a silent cut-off holds a request.</summary>
    private static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(10);

    /// <summary>Passes the request on, late, or not at all.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/faults", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        switch (faults.CutOff)
        {
            case CutOffMode.Reset:
                context.Abort();
                return;
            case CutOffMode.Silent:
                using (var hold = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, faults.Reconnected))
                {
                    try
                    {
                        await Task.Delay(MaxHold, hold.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The caller gave up, or the server was reconnected: either way this request is lost.
                    }
                }

                context.Abort();
                return;
            default:
                break;
        }

        if (faults.LatencyMs > 0 && path.StartsWithSegments("/api/chunks", StringComparison.Ordinal))
        {
            try
            {
                await Task.Delay(faults.LatencyMs, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await next(context);
    }
}
