using System.Globalization;
using System.Net;
using Refit;
using ReplicaFs.Api.Data.Background;
using ReplicaFs.Api.Data.Events;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.Rebuild;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Contracts.Text;

namespace ReplicaFs.Api.Data.Scrub;

/// <summary>
/// Re-verifies every stored chunk version in the background, in passes separated by <c>--scrub-pause-ms</c>, at
/// <c>--scrub-rate</c> MB/s (0: no background passes), and on demand (<c>POST /api/admin/scrub</c>; unthrottled when
/// the rate is 0). A corrupt version is posted as a <c>scrub.finding</c> event; when it is the version the metadata
/// server considers committed (or that cannot be told), its replica is reported Corrupt, and the
/// <see cref="AssignmentPuller"/> repairs it from a peer. Each pass ends with a <c>scrub.finished</c> event.
/// </summary>
internal sealed partial class Scrubber(
    ChunkStore store,
    ScrubProgressTracker progress,
    ScrubFindings findings,
    AssignmentPuller puller,
    IChunkMapApi chunkMap,
    MetaEventPoster events,
    ServerIdentity identity,
    ServerCrashState crash,
    DataServerMetrics metrics,
    DataServerOptions options,
    TimeProvider time,
    ILogger<Scrubber> logger) : BackgroundService
{
    private readonly WakeSignal _wake = new();

    /// <summary>Starts a pass now, or returns the progress of the running one.</summary>
    public ScrubProgress StartPass()
    {
        if (crash.Crashed)
        {
            throw new PosixException(Errno.EAGAIN, "The server has crashed (fault injection): there is nothing to scrub until it is restored.");
        }

        var (current, started) = progress.TryStart(store.ChunkCount);
        if (started)
        {
            _wake.Set();
        }

        return current;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var background = options.ScrubRateMBps > 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(background ? options.ScrubPause : Timeout.InfiniteTimeSpan, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (crash.Crashed)
            {
                if (progress.Current is { Active: true })
                {
                    progress.Finish();
                }

                continue;
            }

            // An on-demand pass was started by StartPass; a background pass starts here.
            if (progress.Current is not { Active: true } && !progress.TryStart(store.ChunkCount).Started)
            {
                continue;
            }

            using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, crash.WorkToken);
            try
            {
                await RunPassAsync(pass.Token);
            }
            catch (OperationCanceledException) when (pass.IsCancellationRequested)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                LogPassFailed(logger, ex.Message);
            }
        }
    }

    private async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var throttle = options.ScrubRateMBps > 0 ? TokenBucket.ForMegabytesPerSecond(options.ScrubRateMBps, time) : null;
        var started = time.GetTimestamp();
        var interrupted = true;
        try
        {
            await foreach (var result in ChunkScrub.VerifyAllAsync(store, throttle, cancellationToken))
            {
                switch (result.Outcome)
                {
                    case ScrubOutcome.Vanished:
                        progress.Skipped();
                        break;
                    case ScrubOutcome.Intact:
                        progress.Checked(result.Length, corrupt: false);
                        metrics.Scrubbed(result.Length, intact: true);
                        break;
                    default:
                        progress.Checked(result.Length, corrupt: true);
                        metrics.Scrubbed(result.Length, intact: false);
                        await HandleCorruptAsync(result, cancellationToken);
                        break;
                }
            }

            interrupted = false;
        }
        finally
        {
            var final = progress.Finish();
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            if (final is not null)
            {
                LogPassFinished(logger, interrupted ? "stopped" : "finished", final.ChunksChecked, final.BytesChecked, final.CorruptFound, seconds);
                using var post = new CancellationTokenSource(MetaRegistrationService.CallTimeout);
                await events.PostAsync(
                    EventKinds.ScrubFinished,
                    final.CorruptFound > 0 || interrupted ? EventSeverity.Warning : EventSeverity.Info,
                    $"{identity.Name} {(interrupted ? "stopped" : "finished")} a scrub pass after {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s: " +
                    $"{final.ChunksChecked.ToString(CultureInfo.InvariantCulture)} of {final.ChunksTotal.ToString(CultureInfo.InvariantCulture)} chunk version(s) " +
                    $"({ByteCountText.Format(final.BytesChecked)}) re-verified, {final.CorruptFound.ToString(CultureInfo.InvariantCulture)} corrupt.",
                    null,
                    post.Token);
            }
        }
    }

    private async Task HandleCorruptAsync(ScrubResult result, CancellationToken cancellationToken)
    {
        LogCorrupt(logger, result.Key, result.Version, result.Problem ?? "?");
        long? chunkId = ChunkKey.TryParseId(result.Key, out var id) ? id : null;
        await events.PostAsync(EventKinds.ScrubFinding, EventSeverity.Error,
            $"Scrub on {identity.Name} found chunk {result.Key} version {result.Version.ToString(CultureInfo.InvariantCulture)} corrupt: {result.Problem}.",
            chunkId, cancellationToken);
        if (chunkId is null || identity.ServerId is not { } serverId)
        {
            return;
        }

        // Only the committed version matters to readers; older or uncommitted versions are left to the garbage collector.
        try
        {
            var chunk = await chunkMap.GetChunkAsync(id, cancellationToken);
            if (!chunk.Replicas.Any(r => r.ServerId == serverId) || chunk.Version != result.Version)
            {
                LogNotReported(logger, result.Key, result.Version, chunk.Version);
                return;
            }
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            LogNotReported(logger, result.Key, result.Version, 0);
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiExceptionBase or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Cannot tell which version is committed: report what was found and let meta decide.
        }

        try
        {
            await chunkMap.ReportReplicaAsync(
                id, new ReplicaReport(serverId, ReplicaState.Corrupt, result.Version, $"scrub: {result.Problem}", identity.Name), cancellationToken);
            findings.Add(id);
            puller.Trigger();
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiExceptionBase or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogReportFailed(logger, result.Key, result.Version, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Scrub pass {Outcome}: {Checked} chunk versions ({Bytes} bytes) re-verified, {Corrupt} corrupt, {Seconds:0.0} s")]
    private static partial void LogPassFinished(ILogger logger, string outcome, long @checked, long bytes, long corrupt, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scrub found chunk {Key} version {Version} corrupt: {Problem}")]
    private static partial void LogCorrupt(ILogger logger, string key, long version, string problem);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Corrupt chunk {Key} version {Version} is not this server's committed replica (committed version {Committed}; 0: no such chunk); left to the garbage collector")]
    private static partial void LogNotReported(ILogger logger, string key, long version, long committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report corrupt chunk {Key} version {Version} to the metadata server: {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string key, long version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scrub pass failed: {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason);
}
