namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>Periodically marks data servers down when they have been silent past the heartbeat timeout.</summary>
internal sealed partial class MembershipMonitor(
    MembershipService membership,
    HeartbeatTracker tracker,
    TimeProvider clock,
    ILogger<MembershipMonitor> logger) : BackgroundService
{
    /// <summary>How often to look: a quarter of the timeout, between 25 ms and 1 s.</summary>
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Clamp(tracker.Timeout.Ticks / 4, TimeSpan.FromMilliseconds(25).Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period, clock, stoppingToken);
                await membership.MarkSilentServersDownAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed round (a busy disk, say) must not stop membership tracking for good.
                LogRoundFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Membership check failed; trying again next round.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
