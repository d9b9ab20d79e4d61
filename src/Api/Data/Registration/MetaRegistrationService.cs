using System.Net;
using Refit;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Registration;

/// <summary>
/// Registers this data server with the metadata server once Kestrel listens, then heartbeats with its storage
/// figures. Re-registers when the metadata server asks (or no longer knows the server id) and retries with a
/// capped backoff while the metadata server is unreachable, logging each outage once. The data server keeps
/// serving chunks all the while.
/// </summary>
internal sealed partial class MetaRegistrationService(
    IClusterApi meta,
    ChunkStore store,
    ServerIdentity identity,
    DataServerOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<MetaRegistrationService> logger) : BackgroundService
{
    /// <summary>Timeout of one call to the metadata server.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitUntilListeningAsync(stoppingToken))
        {
            return;
        }

        var interval = DefaultInterval;
        var retry = FirstRetry;
        DateTimeOffset? outageSince = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                if (identity.ServerId is not { } serverId)
                {
                    var registered = await meta.RegisterAsync(new RegisterRequest(identity.Url, store.InstanceId, store.Stats()), stoppingToken);
                    identity.ServerId = registered.ServerId;
                    interval = TimeSpan.FromMilliseconds(Math.Clamp(registered.Config.HeartbeatIntervalMs, 50, 60_000));
                    LogRegistered(logger, registered.ServerId, identity.Url, store.InstanceId, registered.CameBackEmpty, options.MetaUrl);
                }
                else
                {
                    var answer = await meta.HeartbeatAsync(serverId, new HeartbeatRequest(store.InstanceId, store.Stats()), stoppingToken);
                    if (answer.ReRegister)
                    {
                        LogReRegister(logger, serverId, "the metadata server asked for it");
                        identity.ServerId = null;
                        continue;
                    }
                }

                if (outageSince is { } since)
                {
                    var outage = time.GetUtcNow() - since;
                    LogMetaBack(logger, options.MetaUrl, outage.TotalSeconds);
                    outageSince = null;
                }

                retry = FirstRetry;
                delay = interval;
            }
            catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound && identity.ServerId is { } unknown)
            {
                LogReRegister(logger, unknown, "the metadata server does not know this server id");
                identity.ServerId = null;
                continue;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong (refused, timed out, an error status, an unreadable answer), this loop must keep going.
                if (outageSince is null)
                {
                    outageSince = time.GetUtcNow();
                    LogMetaUnreachable(logger, options.MetaUrl, ex.Message);
                }

                delay = retry;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> WaitUntilListeningAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Registered with the metadata server {MetaUrl} as data-{ServerId} ({Url}, instance {InstanceId}, came back empty: {CameBackEmpty})")]
    private static partial void LogRegistered(ILogger logger, int serverId, string url, string instanceId, bool cameBackEmpty, Uri metaUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registering again (was data-{ServerId}): {Reason}")]
    private static partial void LogReRegister(ILogger logger, int serverId, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The metadata server {MetaUrl} is unreachable ({Reason}); still serving chunks, retrying with backoff")]
    private static partial void LogMetaUnreachable(ILogger logger, Uri metaUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The metadata server {MetaUrl} is reachable again after {Seconds:0.0} s")]
    private static partial void LogMetaBack(ILogger logger, Uri metaUrl, double seconds);
}
