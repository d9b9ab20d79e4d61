using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Refit;
using ReplicaFs.Api.Data.Background;
using ReplicaFs.Api.Data.Events;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Repair;
using ReplicaFs.Api.Data.Scrub;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Text;

namespace ReplicaFs.Api.Data.Rebuild;

/// <summary>
/// Rebuild, catch-up and repair after scrub, as one mechanism: asks the metadata server which replicas this server
/// should hold but does not hold in good shape (<see cref="ReplicaAssignment"/>s, fewest live copies first), pulls
/// each committed version from the first source that works through <see cref="ChunkRepairer"/> (fetch, verify
/// against the committed checksum, store atomically, replacing a bad copy), and reports the replica Ok. A few pulls
/// run at once, all together throttled to <c>--rebuild-rate</c>. It runs after every registration, every
/// <c>--assignment-interval-ms</c>, on <c>POST /api/admin/rebuild</c> and when the metadata server is reachable again.
/// The server serves what it holds meanwhile; what it does not hold yet answers 404 and readers vote around it.
/// </summary>
internal sealed partial class AssignmentPuller(
    IClusterApi cluster,
    IChunkMapApi chunkMap,
    ChunkStore store,
    ChunkRepairer repairer,
    ServerIdentity identity,
    ServerCrashState crash,
    RebuildProgressTracker progress,
    ScrubFindings scrubFindings,
    MetaEventPoster events,
    DataServerMetrics metrics,
    DataServerOptions options,
    TimeProvider time,
    ILogger<AssignmentPuller> logger) : BackgroundService
{
    /// <summary>Pulls under way at once.</summary>
    public const int Concurrency = 3;

    /// <summary>Assignments asked for at a time (beyond those known to be failing).</summary>
    public const int BatchSize = 100;

    /// <summary>Largest page asked of the metadata server.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Shortest time between two <c>rebuild.progress</c> events.</summary>
    public static readonly TimeSpan ProgressEventInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long a replica that could not be copied is left alone before it is tried again (doubling up to <see cref="MaxRetryAfter"/>).</summary>
    public static readonly TimeSpan FirstRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait before a failing replica is tried again.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(10);

    private readonly WakeSignal _wake = new();
    private readonly TokenBucket _throttle = TokenBucket.ForMegabytesPerSecond(options.RebuildRateMBps, time);
    private readonly ConcurrentDictionary<(long ChunkId, long Version), FailedPull> _failures = new();
    private int _retryFailedNow;
    private bool _lastPassFailed;
    private long _lastProgressEventTicks;

    /// <summary>Asks for assignments now; with <paramref name="retryFailed"/> replicas that failed recently are tried again at once.</summary>
    public void Trigger(bool retryFailed = false)
    {
        if (retryFailed)
        {
            Interlocked.Exchange(ref _retryFailedNow, 1);
        }

        _wake.Set();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.AssignmentInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Interlocked.Exchange(ref _retryFailedNow, 0) == 1)
            {
                _failures.Clear();
            }

            if (identity.ServerId is not { } serverId || crash.Crashed)
            {
                continue;
            }

            using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, crash.WorkToken);
            try
            {
                await RunPassAsync(serverId, pass.Token);
                _lastPassFailed = false;
            }
            catch (OperationCanceledException) when (pass.IsCancellationRequested)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                // Crashed: the pass stopped; the next one runs after the restore.
            }
            catch (Exception ex)
            {
                // Meta unreachable, the disk full...: logged once per streak; the next trigger or period tries again.
                if (!_lastPassFailed)
                {
                    LogPassFailed(logger, ex.Message);
                }

                _lastPassFailed = true;
            }
        }
    }

    private async Task RunPassAsync(int serverId, CancellationToken cancellationToken)
    {
        ForgetOldFailures();
        var page = await cluster.GetAssignmentsAsync(serverId, PageSize(_failures.Count), cancellationToken);
        var attempted = new HashSet<(long, long)>();
        var fresh = Fresh(page, attempted);
        if (fresh.Count == 0)
        {
            return;
        }

        var skipped = page.Assignments.Count - fresh.Count;
        var skippedBytes = page.Assignments.Except(fresh).Sum(a => a.Length);
        var kind = DescribeKind(fresh);
        var started = progress.Start(Math.Max(fresh.Count, page.Remaining - skipped), Math.Max(fresh.Sum(a => a.Length), page.RemainingBytes - skippedBytes));
        var stopwatch = Stopwatch.StartNew();
        var pass = new PassCounters();
        Interlocked.Exchange(ref _lastProgressEventTicks, time.GetTimestamp());
        LogPassStarted(logger, kind, started.ChunksTotal, started.BytesTotal);
        await events.PostAsync(EventKinds.RebuildStarted, EventSeverity.Info,
            $"{identity.Name} starts copying {Count(started.ChunksTotal)} replica(s) ({ByteCountText.Format(started.BytesTotal)}) from its peers: {kind}, " +
            $"at most {options.RebuildRateMBps.ToString("0.##", CultureInfo.InvariantCulture)} MB/s.",
            null, cancellationToken);

        var interrupted = true;
        try
        {
            while (fresh.Count > 0)
            {
                await Parallel.ForEachAsync(
                    fresh,
                    new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                    async (assignment, token) => await PullAsync(serverId, assignment, pass, token));

                page = await cluster.GetAssignmentsAsync(serverId, PageSize(_failures.Count + pass.ReportsRefused), cancellationToken);
                fresh = Fresh(page, attempted);
                if (progress.Current is { } now)
                {
                    var notFresh = page.Assignments.Count - fresh.Count;
                    progress.Grow(
                        now.ChunksDone + now.Failed + Math.Max(fresh.Count, page.Remaining - notFresh),
                        now.BytesDone + Math.Max(fresh.Sum(a => a.Length), page.RemainingBytes - page.Assignments.Except(fresh).Sum(a => a.Length)));
                }
            }

            interrupted = false;
        }
        finally
        {
            var final = progress.Finish();
            var seconds = stopwatch.Elapsed.TotalSeconds;
            LogPassFinished(logger, kind, interrupted ? "stopped" : "finished", pass.Copied, pass.BytesCopied, pass.AlreadyHeld, pass.Failed, pass.BadSources, seconds);
            var message =
                $"{identity.Name} {(interrupted ? "stopped" : "finished")} copying replicas from its peers ({kind}) after {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s: " +
                $"{Count(pass.Copied)} copied and verified ({ByteCountText.Format(pass.BytesCopied)}), {Count(pass.AlreadyHeld)} found intact locally, " +
                $"{Count(pass.Failed)} could not be copied, {Count(pass.BadSources)} source(s) sent bytes that did not verify" +
                (final is null ? "." : $"; {Count(final.ChunksDone)} of {Count(final.ChunksTotal)} done.");
            var severity = interrupted || pass.Failed > 0 || pass.BadSources > 0 ? EventSeverity.Warning : EventSeverity.Info;

            // Posted even when the pass was cancelled (a crash), so the log says where it stopped; never past shutdown.
            using var post = new CancellationTokenSource(MetaRegistrationService.CallTimeout);
            await events.PostAsync(EventKinds.RebuildFinished, severity, message, null, post.Token);
        }
    }

    private async Task PullAsync(int serverId, ReplicaAssignment assignment, PassCounters pass, CancellationToken cancellationToken)
    {
        var key = (assignment.ChunkId, assignment.Version);
        if (!ChunkKey.IsValid(assignment.Key) || !ChunkChecksum.TryParse(assignment.Checksum, out var checksum) || assignment.Version < 1)
        {
            Fail(assignment, pass, $"the assignment is malformed (key '{assignment.Key}', version {assignment.Version}, checksum '{assignment.Checksum}')");
            return;
        }

        var reason = Reason(assignment);

        // A replica meta believes missing or stale may be here already (a write that landed after its commit was recorded).
        if (assignment.State != ReplicaState.Corrupt
            && store.TryGet(assignment.Key, assignment.Version, out var held) && held.Checksum == checksum
            && await store.DigestAsync(assignment.Key, assignment.Version, _throttle, cancellationToken) is { Intact: true })
        {
            await ReportOkAsync(serverId, assignment, $"{reason}: already held here and verified", pass, cancellationToken);
            _failures.TryRemove(key, out _);
            Interlocked.Increment(ref pass.AlreadyHeld);
            progress.Copied(assignment.Length, alreadyHeld: true);
            metrics.Rebuilt("already_held");
            await MaybePostProgressAsync(cancellationToken);
            return;
        }

        string? lastError = null;
        ReplicaTarget? copiedFrom = null;
        foreach (var source in assignment.Sources)
        {
            if (source.ServerId == serverId || string.Equals(source.Url.TrimEnd('/'), identity.Url, StringComparison.OrdinalIgnoreCase)
                || !ChunkRepairer.TryParseSource(source.Url, out var sourceUrl))
            {
                continue;
            }

            try
            {
                await repairer.PullAsync(assignment.Key, assignment.Version, checksum, sourceUrl, _throttle, cancellationToken);
                copiedFrom = source;
                break;
            }
            catch (RepairSourceException ex)
            {
                lastError = ex.Message;
                if (ex.BadBytes)
                {
                    Interlocked.Increment(ref pass.BadSources);
                    progress.BadSource();
                    metrics.BadSource();
                }
            }
        }

        if (copiedFrom is null)
        {
            Fail(assignment, pass, lastError ?? "no other server holds a valid copy");
            return;
        }

        _failures.TryRemove(key, out _);
        await ReportOkAsync(serverId, assignment, $"{reason} from {copiedFrom.Url}", pass, cancellationToken);
        Interlocked.Increment(ref pass.Copied);
        Interlocked.Add(ref pass.BytesCopied, assignment.Length);
        progress.Copied(assignment.Length, alreadyHeld: false);
        metrics.Rebuilt("copied");
        await MaybePostProgressAsync(cancellationToken);
    }

    /// <summary>Tells meta the replica is Ok. A chunk that moved on (a newer commit: 409) or is gone (404) is no failure: the copy is done, and the next pass sees what is needed now.</summary>
    private async Task ReportOkAsync(int serverId, ReplicaAssignment assignment, string reason, PassCounters pass, CancellationToken cancellationToken)
    {
        try
        {
            await chunkMap.ReportReplicaAsync(
                assignment.ChunkId, new ReplicaReport(serverId, ReplicaState.Ok, assignment.Version, reason, identity.Name), cancellationToken);
        }
        catch (ApiException ex) when (ex.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            Interlocked.Increment(ref pass.ReportsRefused);
            LogReportRefused(logger, assignment.Key, assignment.Version, (int)ex.StatusCode, ex.Content ?? ex.Message);
        }
    }

    private void Fail(ReplicaAssignment assignment, PassCounters pass, string reason)
    {
        var now = time.GetUtcNow();
        var failure = _failures.AddOrUpdate(
            (assignment.ChunkId, assignment.Version),
            _ => new FailedPull(1, now + FirstRetryAfter),
            (_, previous) => new FailedPull(
                previous.Attempts + 1,
                now + TimeSpan.FromTicks(Math.Min(MaxRetryAfter.Ticks, FirstRetryAfter.Ticks << Math.Min(previous.Attempts, 10)))));
        Interlocked.Increment(ref pass.Failed);
        progress.Failed();
        metrics.Rebuilt("failed");
        LogPullFailed(logger, assignment.Key, assignment.Version, reason, (failure.RetryAt - now).TotalSeconds);
    }

    private async Task MaybePostProgressAsync(CancellationToken cancellationToken)
    {
        var last = Interlocked.Read(ref _lastProgressEventTicks);
        if (time.GetElapsedTime(last) < ProgressEventInterval
            || Interlocked.CompareExchange(ref _lastProgressEventTicks, time.GetTimestamp(), last) != last
            || progress.Current is not { Active: true } now)
        {
            return;
        }

        await events.PostAsync(EventKinds.RebuildProgress, EventSeverity.Info,
            $"{identity.Name} copied {Count(now.ChunksDone)} of {Count(now.ChunksTotal)} replica(s) " +
            $"({ByteCountText.Format(now.BytesDone)} of {ByteCountText.Format(now.BytesTotal)}); {Count(now.Failed)} failed so far.",
            null, cancellationToken);
    }

    /// <summary>Assignments of <paramref name="page"/> not tried in this pass and not waiting after a recent failure.</summary>
    private List<ReplicaAssignment> Fresh(ReplicaAssignmentPage page, HashSet<(long, long)> attempted)
    {
        var now = time.GetUtcNow();
        return [.. page.Assignments.Where(a =>
            !(_failures.TryGetValue((a.ChunkId, a.Version), out var failure) && failure.RetryAt > now)
            && attempted.Add((a.ChunkId, a.Version)))];
    }

    private void ForgetOldFailures()
    {
        var cutoff = time.GetUtcNow() - MaxRetryAfter - MaxRetryAfter;
        foreach (var (key, failure) in _failures)
        {
            if (failure.RetryAt < cutoff)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private string Reason(ReplicaAssignment assignment) => assignment.State switch
    {
        ReplicaState.Stale => "catch-up",
        ReplicaState.Corrupt => scrubFindings.TryTake(assignment.ChunkId) ? "repair after scrub" : "repair of a corrupt copy",
        _ => "rebuild",
    };

    private static string DescribeKind(IReadOnlyList<ReplicaAssignment> assignments)
    {
        var parts = new List<string>();
        var missing = assignments.Count(a => a.State is ReplicaState.Missing or ReplicaState.Rebuilding or ReplicaState.Ok);
        var stale = assignments.Count(a => a.State == ReplicaState.Stale);
        var corrupt = assignments.Count(a => a.State == ReplicaState.Corrupt);
        if (missing > 0)
        {
            parts.Add($"rebuild of {Count(missing)} missing");
        }

        if (stale > 0)
        {
            parts.Add($"catch-up of {Count(stale)} stale");
        }

        if (corrupt > 0)
        {
            parts.Add($"repair of {Count(corrupt)} corrupt");
        }

        return string.Join(", ", parts);
    }

    private static int PageSize(long skipped) => (int)Math.Min(MaxPageSize, BatchSize + skipped);

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record FailedPull(int Attempts, DateTimeOffset RetryAt);

    /// <summary>Counts of one pass (fields, for interlocked updates from parallel pulls).</summary>
    private sealed class PassCounters
    {
        public long Copied;
        public long BytesCopied;
        public long AlreadyHeld;
        public long Failed;
        public long BadSources;
        public long ReportsRefused;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copying replicas from peers ({Kind}): {Chunks} replicas, {Bytes} bytes")]
    private static partial void LogPassStarted(ILogger logger, string kind, long chunks, long bytes);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Copying replicas ({Kind}) {Outcome}: {Copied} copied ({Bytes} bytes), {AlreadyHeld} already held, {Failed} failed, {BadSources} bad sources, {Seconds:0.0} s")]
    private static partial void LogPassFinished(ILogger logger, string kind, string outcome, long copied, long bytes, long alreadyHeld, long failed, long badSources, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not copy chunk {Key} version {Version}: {Reason}; trying again in {Seconds:0} s")]
    private static partial void LogPullFailed(ILogger logger, string key, long version, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The metadata server did not take the Ok report of chunk {Key} version {Version} ({Status}): {Detail}")]
    private static partial void LogReportRefused(ILogger logger, string key, long version, int status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking for or copying replicas failed: {Reason}; trying again later")]
    private static partial void LogPassFailed(ILogger logger, string reason);
}
