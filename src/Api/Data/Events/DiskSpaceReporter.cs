using System.Globalization;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Text;

namespace ReplicaFs.Api.Data.Events;

/// <summary>
/// Tells the metadata server's event log when this server's data directory becomes full (a write was refused with
/// ENOSPC: <c>disk.full</c>, a warning) and when it takes writes again (<c>disk.writable</c>), and logs both. The
/// refused writes themselves are answered 507 (errno ENOSPC) with nothing stored; the writers record those replicas as stale.
/// </summary>
internal sealed partial class DiskSpaceReporter(ChunkStore store, MetaEventPoster events, TimeProvider time, ILogger<DiskSpaceReporter> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? reported = null;
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!store.IsOpen)
                {
                    continue;
                }

                var since = store.DiskSpace.FullSince;
                if (since == reported)
                {
                    continue;
                }

                var stats = store.Stats();
                if (since is { } full)
                {
                    var why = store.DiskSpace.InjectedFull ? "the disk-full fault is injected" : $"{ByteCountText.Format(stats.FreeBytes)} free of {ByteCountText.Format(stats.CapacityBytes)}";
                    var message = $"The data directory is full ({why}): writes and repairs are refused with ENOSPC since {full.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC; the chunks it holds are still served.";
                    LogFull(logger, message);
                    await events.PostAsync(EventKinds.DiskFull, EventSeverity.Warning, message, null, stoppingToken);
                }
                else
                {
                    var message = $"The data directory takes writes again ({ByteCountText.Format(stats.FreeBytes)} free) after {store.DiskSpace.Refusals} refused writes.";
                    LogWritable(logger, message);
                    await events.PostAsync(EventKinds.DiskWritable, EventSeverity.Info, message, null, stoppingToken);
                }

                reported = since;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogFull(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogWritable(ILogger logger, string message);
}
