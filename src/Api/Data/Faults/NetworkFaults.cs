using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>
/// The injected network faults of this server: latency added to chunk requests, and being cut off (connections
/// dropped, own calls failing). Enforced by <see cref="NetworkFaultMiddleware"/> (incoming) and
/// <see cref="CutOffHandler"/> (outgoing); set through the fault endpoints.
/// </summary>
internal sealed class NetworkFaults : IDisposable
{
    /// <summary>Longest injected latency (10 minutes).</summary>
    public const int MaxLatencyMs = 600_000;

    private readonly Lock _gate = new();
    private CancellationTokenSource _reconnected = new();
    private volatile int _latencyMs;
    private volatile CutOffMode _cutOff;

    /// <summary>Delay added to every chunk request.</summary>
    public int LatencyMs => _latencyMs;

    /// <summary>Whether and how the server is cut off.</summary>
    public CutOffMode CutOff => _cutOff;

    /// <summary>Cancelled when the server is reconnected: requests held by a silent cut-off let go then.</summary>
    public CancellationToken Reconnected
    {
        get
        {
            lock (_gate)
            {
                return _reconnected.Token;
            }
        }
    }

    /// <summary>Sets the latency (0 ends it).</summary>
    public void SetLatency(int delayMs) => _latencyMs = Math.Clamp(delayMs, 0, MaxLatencyMs);

    /// <summary>Cuts the server off, or (<see cref="CutOffMode.Off"/>) reconnects it.</summary>
    public void SetCutOff(CutOffMode mode)
    {
        CancellationTokenSource? release = null;
        lock (_gate)
        {
            if (mode == CutOffMode.Off && _cutOff != CutOffMode.Off)
            {
                release = _reconnected;
                _reconnected = new CancellationTokenSource();
            }

            _cutOff = mode;
        }

        // Held requests may still hold the old token: cancel it, and leave it to the garbage collector.
        release?.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _reconnected.Dispose();
        }
    }
}
