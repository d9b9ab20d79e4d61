using Refit;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Data.Events;

/// <summary>
/// Posts this data server's events (rebuild, scrub, garbage collection) to the metadata server's event log, as
/// coming from the server's name. Best effort: an event that cannot be delivered is logged here and dropped; the
/// work it describes never waits for it.
/// </summary>
internal sealed partial class MetaEventPoster(IClusterApi meta, ServerIdentity identity, ILogger<MetaEventPoster> logger)
{
    /// <summary>Longest event message the metadata server accepts.</summary>
    public const int MaxMessageLength = 4096;

    /// <summary>Posts an event about this server (and a chunk, when given).</summary>
    public async Task PostAsync(string kind, EventSeverity severity, string message, long? chunkId, CancellationToken cancellationToken)
    {
        var text = message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…";
        try
        {
            await meta.AddEventAsync(new NewEvent(kind, severity, text, identity.Name, identity.ServerId, ChunkId: chunkId), cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiExceptionBase or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogNotPosted(logger, kind, text, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not post the event {Kind} to the metadata server ({Reason}): {Message}")]
    private static partial void LogNotPosted(ILogger logger, string kind, string message, string reason);
}
