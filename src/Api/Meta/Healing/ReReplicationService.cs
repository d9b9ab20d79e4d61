namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// Runs re-replication passes in the background: every quarter of the delay (between 250 ms and 10 s), and again
/// soon after a pass that used its whole budget.
/// </summary>
internal sealed partial class ReReplicationService(
    ReReplicationPlanner planner,
    MetaServerOptions options,
    TimeProvider clock,
    ILogger<ReReplicationService> logger) : BackgroundService
{
    private static readonly TimeSpan AfterFullPass = TimeSpan.FromMilliseconds(100);

    /// <summary>Time between passes.</summary>
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Clamp(options.ReReplicateAfter.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(10).Ticks));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!planner.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        var delay = Period;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
                var pass = await planner.RunAsync(stoppingToken);
                if (pass.Moved + pass.Added > 0)
                {
                    LogPass(logger, pass.Moved, pass.Added, pass.Left);
                }

                delay = pass.Full ? AfterFullPass : Period;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed pass (a busy database, say) must not stop re-replication for good.
                LogPassFailed(logger, ex);
                delay = Period;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-replication is off (--rereplicate-after-seconds 0).")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-replication pass: {Moved} replica(s) moved off dead servers, {Added} added to chunks with too few, {Left} left.")]
    private static partial void LogPass(ILogger logger, int moved, int added, long left);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-replication pass failed; trying again next round.")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
