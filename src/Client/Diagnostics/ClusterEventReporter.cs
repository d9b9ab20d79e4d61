using Microsoft.Extensions.Logging;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Diagnostics;

/// <summary>
/// Tells the metadata server what the client saw: events for the log and replica state reports. Reporting never
/// fails the operation that triggered it; a failed report is logged.
/// </summary>
internal sealed class ClusterEventReporter(IMetadataApi meta, string source, ILogger logger)
{
    /// <summary>How the client names itself ("client:host/pid").</summary>
    public string Source => source;

    /// <summary>Appends an event to the cluster's log.</summary>
    public async Task PostEventAsync(string kind, EventSeverity severity, string message, int? serverId, long? ino, long? chunkId, CancellationToken cancellationToken)
    {
        try
        {
            // Meta accepts messages of up to 4096 characters.
            var text = message.Length <= 4096 ? message : message[..4095] + "…";
            await meta.AddEventAsync(new NewEvent(kind, severity, text, source, serverId, ino, chunkId), cancellationToken);
        }
        catch (PosixException ex)
        {
            ClientLog.ReportFailed(logger, $"event {kind}", ex.Message);
        }
    }

    /// <summary>Records a replica's state at the metadata server; returns whether it was accepted.</summary>
    public async Task<bool> ReportReplicaAsync(long chunkId, int serverId, ReplicaState state, long version, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await meta.ReportReplicaAsync(chunkId, new ReplicaReport(serverId, state, version, reason, source), cancellationToken);
            return true;
        }
        catch (PosixException ex)
        {
            ClientLog.ReportFailed(logger, $"replica {serverId} of chunk {chunkId} is {state}", ex.Message);
            return false;
        }
    }
}
