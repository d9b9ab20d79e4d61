
namespace ReplicaFs.Web.Cluster;

/// <summary>The poller's log messages.</summary>
internal static partial class ClusterFeedLog
{
    [LoggerMessage(1, LogLevel.Information, "Watching the cluster at {MetaUrl} every {IntervalMs} ms.")]
    public static partial void Watching(ILogger logger, string metaUrl, double intervalMs);

    [LoggerMessage(2, LogLevel.Warning, "The metadata server does not answer: {Error}")]
    public static partial void MetaUnreachable(ILogger logger, string error);

    [LoggerMessage(3, LogLevel.Information, "The metadata server answers again.")]
    public static partial void MetaBack(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "The event log restarted (its newest id {LastId} is below the {Seen} already seen): the cluster was recreated; reloading events.")]
    public static partial void EventLogReset(ILogger logger, long lastId, long seen);

    [LoggerMessage(6, LogLevel.Error, "A poll of the cluster failed unexpectedly.")]
    public static partial void PollFailed(ILogger logger, Exception error);

    [LoggerMessage(5, LogLevel.Error, "A dashboard subscriber failed.")]
    public static partial void SubscriberFailed(ILogger logger, Exception error);
}
