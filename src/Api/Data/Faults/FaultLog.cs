using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>Log lines of the injected faults, so that a server's log says when it was slowed, filled or cut off.</summary>
internal static partial class FaultLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault injected: every chunk request is delayed by {DelayMs} ms (0: none)")]
    public static partial void Latency(ILogger logger, int delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault injected: disk full {Full} (writes and repairs refused with ENOSPC while true)")]
    public static partial void DiskFull(ILogger logger, bool full);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault injected: cut off the network: {Mode} (Off: connected)")]
    public static partial void CutOff(ILogger logger, CutOffMode mode);
}
