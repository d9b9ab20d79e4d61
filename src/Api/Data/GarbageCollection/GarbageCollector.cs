using System.Globalization;
using Refit;
using ReplicaFs.Api.Data.Background;
using ReplicaFs.Api.Data.Events;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Contracts.Text;

namespace ReplicaFs.Api.Data.GarbageCollection;

/// <summary>
/// Deletes chunk versions no file needs any more. Every <c>--gc-interval-ms</c>, after every registration, when the
/// metadata server is reachable again and on <c>POST /api/admin/gc</c>, it pages through the local index and asks the
/// metadata server
/// (<c>garbage-check</c>, at most <see cref="BatchSize"/> versions per call, each with the time it was stored) which
/// to delete: versions of chunks of deleted or truncated files, or moved elsewhere, superseded versions once the
/// committed one is here, uncommitted versions past a grace period, and keys that are not chunk ids past that grace
/// period (the rules are the metadata server's, docs/self-healing.md). Only versions it offered are deleted, each
/// atomically (unlink, directory fsync, index in step). A server that was down when a file was deleted therefore
/// collects its chunks when it comes back.
/// </summary>
internal sealed partial class GarbageCollector(
    IClusterApi cluster,
    ChunkStore store,
    ServerIdentity identity,
    ServerCrashState crash,
    MetaEventPoster events,
    DataServerMetrics metrics,
    DataServerOptions options,
    TimeProvider time,
    ILogger<GarbageCollector> logger) : BackgroundService
{
    /// <summary>Most versions offered in one garbage check.</summary>
    public const int BatchSize = 10_000;

    private readonly WakeSignal _wake = new();
    private readonly SemaphoreSlim _pass = new(1, 1);
    private bool _lastPassFailed;

    /// <summary>Runs a pass soon (in the background).</summary>
    public void Trigger() => _wake.Set();

    /// <summary>
    /// Runs a pass now (after the one under way, if any). EAGAIN (503) when the server is not registered yet or the
    /// metadata server cannot be reached; EIO (502) when it refuses the check.
    /// </summary>
    public async Task<GarbageCollectionResult> CollectAsync(CancellationToken cancellationToken)
    {
        if (identity.ServerId is not { } serverId)
        {
            throw new PosixException(Errno.EAGAIN, "The server has not registered with the metadata server yet; only the metadata server knows what is garbage.");
        }

        await _pass.WaitAsync(cancellationToken);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, crash.WorkToken);
            return await RunPassAsync(serverId, linked.Token);
        }
        catch (ApiException ex)
        {
            throw new PosixException(Errno.EIO, $"The metadata server refused the garbage check: {(int)ex.StatusCode} {ex.Content ?? ex.Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or ApiRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested && !crash.WorkToken.IsCancellationRequested))
        {
            throw new PosixException(Errno.EAGAIN, $"The metadata server cannot be reached for the garbage check: {ex.Message}", ex);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _pass.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.GarbageCollectionInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (identity.ServerId is null || crash.Crashed)
            {
                continue;
            }

            try
            {
                await CollectAsync(stoppingToken);
                _lastPassFailed = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Logged once per streak of failures (meta down, a crash in the middle of a pass...).
                if (!_lastPassFailed)
                {
                    LogPassFailed(logger, ex.Message);
                }

                _lastPassFailed = true;
            }
        }
    }

    private async Task<GarbageCollectionResult> RunPassAsync(int serverId, CancellationToken cancellationToken)
    {
        long offered = 0, deleted = 0, bytes = 0;
        string? afterKey = null;
        long? afterVersion = null;
        while (true)
        {
            var (entries, more) = store.Entries(afterKey, afterVersion, BatchSize);
            if (entries.Count == 0)
            {
                break;
            }

            (afterKey, afterVersion) = (entries[^1].Key, entries[^1].Stored.Version);
            var candidates = entries
                .Select(e => new GarbageCandidate(e.Key, e.Stored.Version, DateTimeOffset.FromUnixTimeMilliseconds(e.Stored.StoredAtUnixMs)))
                .ToList();
            offered += candidates.Count;
            var answer = await cluster.CheckGarbageAsync(serverId, new GarbageCheckRequest(candidates), cancellationToken);
            var offeredNow = candidates.Select(c => (c.Key, c.Version)).ToHashSet();
            foreach (var victim in answer.Delete)
            {
                if (!offeredNow.Contains((victim.Key, victim.Version)) || !store.TryGet(victim.Key, victim.Version, out var stored))
                {
                    continue;
                }

                if (await store.DeleteAsync(victim.Key, victim.Version, below: null, cancellationToken) > 0)
                {
                    deleted++;
                    bytes += stored.Length;
                }
            }

            if (!more)
            {
                break;
            }
        }

        if (deleted > 0)
        {
            metrics.Collected(deleted, bytes);
            LogCollected(logger, deleted, bytes, offered);
            await events.PostAsync(EventKinds.GarbageCollected, EventSeverity.Info,
                $"{identity.Name} deleted {deleted.ToString(CultureInfo.InvariantCulture)} chunk version(s) ({ByteCountText.Format(bytes)}) " +
                $"that no file needs any more, of {offered.ToString(CultureInfo.InvariantCulture)} offered to the metadata server.",
                null, cancellationToken);
        }

        return new GarbageCollectionResult(offered, deleted, bytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Garbage collection deleted {Deleted} chunk versions ({Bytes} bytes) of {Offered} offered")]
    private static partial void LogCollected(ILogger logger, long deleted, long bytes, long offered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Garbage collection failed: {Reason}; trying again later")]
    private static partial void LogPassFailed(ILogger logger, string reason);
}
