namespace ReplicaFs.Api.Meta.Clients;

/// <summary>Expires client sessions in the background, so their <c>client.disconnected</c> events appear even when nobody asks.</summary>
internal sealed partial class ClientSessionSweeper(ClientSessionRegistry registry, TimeProvider clock, ILogger<ClientSessionSweeper> logger) : BackgroundService
{
    /// <summary>How often to look: a twelfth of the session timeout (a quarter of a heartbeat timeout), between 100 ms and 5 s.</summary>
    public TimeSpan Period { get; } = TimeSpan.FromTicks(Math.Clamp(registry.Timeout.Ticks / 12, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period, clock, stoppingToken);
                foreach (var session in await registry.ExpireAsync(stoppingToken))
                {
                    LogExpired(logger, session.Id, session.Name, session.Host, session.Pid);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client session {Id} ('{Name}' on {Host}, pid {Pid}) expired.")]
    private static partial void LogExpired(ILogger logger, long id, string name, string host, int pid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Expiring client sessions failed; trying again next round.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
