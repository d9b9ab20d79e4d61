using System.Net;
using Refit;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Api.Data.Background;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.GarbageCollection;
using ReplicaFs.Api.Data.Rebuild;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Registration;

/// <summary>
/// Registers this data server with the metadata server once Kestrel listens (with its name), then heartbeats
/// with its storage figures, its activity and whether it is crashed. Re-registers when the metadata server asks
/// (or no longer knows the server id) or after a restore, and retries with a capped backoff while the metadata
/// server is unreachable, logging each outage once. The data server keeps serving chunks all the while.
/// After every registration, and when the metadata server is reachable again, it asks for rebuild/catch-up
/// assignments and collects garbage.
/// </summary>
internal sealed partial class MetaRegistrationService(
    IClusterApi meta,
    ChunkStore store,
    ServerIdentity identity,
    DataServerActivity activity,
    ServerCrashState crash,
    AssignmentPuller puller,
    GarbageCollector collector,
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

    private readonly WakeSignal _wake = new();
    private int _registerRequested;

    /// <summary>Registers again as soon as possible (after a restore: the new instance id tells meta the server came back empty).</summary>
    public void RegisterNow()
    {
        Interlocked.Exchange(ref _registerRequested, 1);
        _wake.Set();
    }

    /// <summary>Heartbeats as soon as possible (after a crash, so that meta marks the server crashed at once).</summary>
    public void HeartbeatNow() => _wake.Set();

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
            var registerRequested = Interlocked.Exchange(ref _registerRequested, 0) == 1;
            try
            {
                activity.CloseInterval();
                if (identity.ServerId is not { } serverId || registerRequested)
                {
                    var registered = await RegisterAsync(stoppingToken);
                    interval = TimeSpan.FromMilliseconds(Math.Clamp(registered.Config.HeartbeatIntervalMs, 50, 60_000));
                }
                else
                {
                    var answer = await meta.HeartbeatAsync(
                        serverId, new HeartbeatRequest(store.InstanceId, store.Stats(), activity.Snapshot(), crash.Crashed), stoppingToken);
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
                    puller.Trigger();
                    collector.Trigger();
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
                if (registerRequested)
                {
                    Interlocked.Exchange(ref _registerRequested, 1);
                }

                if (outageSince is null)
                {
                    outageSince = time.GetUtcNow();
                    LogMetaUnreachable(logger, options.MetaUrl, Describe(ex));
                }

                delay = retry;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
            }

            try
            {
                await _wake.WaitAsync(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<RegisterResponse> RegisterAsync(CancellationToken stoppingToken)
    {
        var registered = await meta.RegisterAsync(new RegisterRequest(identity.Url, store.InstanceId, store.Stats(), options.Name), stoppingToken);
        identity.ServerId = registered.ServerId;
        LogRegistered(logger, registered.ServerId, identity.Name, identity.Url, store.InstanceId, registered.CameBackEmpty, options.MetaUrl);

        // Whatever it missed while away (or everything, when it came back empty) is listed by meta as assignments.
        puller.Trigger();
        collector.Trigger();
        return registered;
    }

    private static string Describe(Exception ex) =>
        ex is ApiException { Content: { Length: > 0 } content } api
            ? $"{(int)api.StatusCode} {api.ReasonPhrase}: {(content.Length > 500 ? content[..500] : content)}"
            : ex.Message;

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
        Message = "Registered with the metadata server {MetaUrl} as server {ServerId} named {Name} ({Url}, instance {InstanceId}, came back empty: {CameBackEmpty})")]
    private static partial void LogRegistered(ILogger logger, int serverId, string name, string url, string instanceId, bool cameBackEmpty, Uri metaUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registering again (was data-{ServerId}): {Reason}")]
    private static partial void LogReRegister(ILogger logger, int serverId, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The metadata server {MetaUrl} is unreachable ({Reason}); still serving chunks, retrying with backoff")]
    private static partial void LogMetaUnreachable(ILogger logger, Uri metaUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The metadata server {MetaUrl} is reachable again after {Seconds:0.0} s")]
    private static partial void LogMetaBack(ILogger logger, Uri metaUrl, double seconds);
}
