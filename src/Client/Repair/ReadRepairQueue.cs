using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Repair;

/// <summary>
/// Read repair, off the read's critical path: a bounded queue of bad replicas (deduplicated per chunk and server)
/// worked by a few background workers. For each: confirm with the metadata server that the version read is still the
/// committed one (a newer commit makes the finding moot), tell a missing copy apart from a stale one, report the
/// state with the reason, tell the bad server to repair itself from a good one, confirm its digest now matches, and
/// report it Ok. Disposing drains the queue for a bounded time.
/// </summary>
internal sealed class ReadRepairQueue : IAsyncDisposable
{
    private readonly Channel<RepairWork> _queue;
    private readonly ConcurrentDictionary<(long ChunkId, int ServerId), byte> _queued = new();
    private readonly IChunkMapApi _meta;
    private readonly ReplicaTransport _transport;
    private readonly ClusterEventReporter _reporter;
    private readonly ILogger _logger;
    private readonly TimeSpan _drainTimeout;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private readonly Channel<Func<CancellationToken, Task>> _checks;
    private readonly Task _checker;
    private long _completed;
    private long _failed;
    private int _checksPending;
    private volatile bool _closing;

    public ReadRepairQueue(IChunkMapApi meta, ReplicaTransport transport, ClusterEventReporter reporter, ILogger logger, int capacity, int concurrency, TimeSpan drainTimeout)
    {
        _meta = meta;
        _transport = transport;
        _reporter = reporter;
        _logger = logger;
        _drainTimeout = drainTimeout;
        _queue = Channel.CreateBounded<RepairWork>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = false,
            SingleWriter = false,
        });
        _workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
        _checks = Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(MaxQueuedChecks)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = false,
        });
        _checker = Task.Run(CheckAsync);
    }

    /// <summary>Background checks of replicas a whole-chunk read did not ask that may wait; more are dropped.</summary>
    public const int MaxQueuedChecks = 64;

    /// <summary>Repairs finished successfully so far.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Repairs that failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Repairs queued or running.</summary>
    public int Pending => _queued.Count;

    /// <summary>Queues a repair unless the same replica of the same chunk is already queued; never blocks.</summary>
    public bool Enqueue(RepairWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var key = (work.Chunk.ChunkId, work.Bad.ServerId);
        if (!_queued.TryAdd(key, 0))
        {
            return false;
        }

        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }

        _queued.TryRemove(key, out _);
        ClientLog.RepairDropped(_logger, work.Chunk.ChunkId, work.Bad.ServerId);
        return false;
    }

    /// <summary>
    /// Queues a background check of the replicas a whole-chunk read did not ask (it queues its findings with
    /// <see cref="Enqueue"/>). Checks run one at a time, in order; when <see cref="MaxQueuedChecks"/> wait already (a
    /// streaming reader), the check is dropped and false returned: the data servers' scrubber covers those replicas.
    /// </summary>
    public bool EnqueueCheck(Func<CancellationToken, Task> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        Interlocked.Increment(ref _checksPending);
        if (_checks.Writer.TryWrite(check))
        {
            return true;
        }

        Interlocked.Decrement(ref _checksPending);
        return false;
    }

    /// <summary>Waits until no check is queued or running and no repair is queued or running (bounded by <paramref name="timeout"/>).</summary>
    public async Task<bool> WaitIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_queued.IsEmpty || Volatile.Read(ref _checksPending) != 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken);
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Checks not started yet are skipped; queued repairs are drained for up to the drain timeout.
        _closing = true;
        _checks.Writer.TryComplete();
        await _checker.WaitAsync(_drainTimeout).ContinueWith(static _ => { }, TaskScheduler.Default);
        _queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(_drainTimeout);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
            await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        _stopping.Dispose();
    }

    private async Task CheckAsync()
    {
        try
        {
            await foreach (var check in _checks.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    if (!_closing)
                    {
                        await check(_stopping.Token);
                    }
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is PosixException or HttpRequestException)
                {
                    ClientLog.ReportFailed(_logger, "background check of replicas", ex.Message);
                }
                finally
                {
                    Interlocked.Decrement(ref _checksPending);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await RepairAsync(work, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is PosixException or HttpRequestException)
                {
                    Interlocked.Increment(ref _failed);
                    ClientLog.RepairFailed(_logger, work.Chunk.ChunkId, work.Bad.ServerId, ex.Message);
                }
                finally
                {
                    _queued.TryRemove((work.Chunk.ChunkId, work.Bad.ServerId), out _);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Meta accepts reasons of at most 1024 characters.</summary>
    private static string Truncate(string reason) => reason.Length <= 1024 ? reason : reason[..1023] + "…";

    private async Task RepairAsync(RepairWork work, CancellationToken cancellationToken)
    {
        var chunk = work.Chunk;
        var key = ChunkKey.FromId(chunk.ChunkId);

        // The reader may have used a cached chunk map: act only if the version it read is still the committed one.
        ChunkInfo current;
        try
        {
            current = await _meta.GetChunkAsync(chunk.ChunkId, cancellationToken);
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
        {
            ClientLog.RepairSkipped(_logger, chunk.ChunkId, work.Bad.ServerId, "the chunk no longer exists");
            return;
        }

        if (current.Version != chunk.Version || !string.Equals(current.Checksum, chunk.Checksum, StringComparison.Ordinal))
        {
            ClientLog.RepairMoot(_logger, chunk.ChunkId, work.Bad.ServerId, current.Version, chunk.Version);
            return;
        }

        var state = work.State;
        var detail = work.Detail;
        long held = state == ReplicaState.Corrupt ? chunk.Version : 0;
        if (state is ReplicaState.Missing or ReplicaState.Stale)
        {
            var (newest, reply) = await _transport.NewestVersionAsync(work.Bad.Url, key, cancellationToken);
            if (newest is { } version && version != chunk.Version)
            {
                state = ReplicaState.Stale;
                held = version;
                detail = $"holds version {version}, committed is {chunk.Version}";
            }
            else if (newest is null && reply.Verdict == ReplicaVerdict.Missing)
            {
                state = ReplicaState.Missing;
            }
        }

        var reason = $"read repair found it {state.ToString().ToLowerInvariant()}: {detail}";
        await _reporter.ReportReplicaAsync(chunk.ChunkId, work.Bad.ServerId, state, held, Truncate(reason), cancellationToken);

        var failures = new List<string>();
        foreach (var source in work.Sources)
        {
            if (source.ServerId == work.Bad.ServerId)
            {
                continue;
            }

            var repair = await _transport.RepairAsync(work.Bad.Url, key, new RepairRequest(chunk.Version, chunk.Checksum, source.Url), cancellationToken);
            if (repair.Verdict != ReplicaVerdict.Ok)
            {
                failures.Add($"from server {source.ServerId}: {repair.Detail}");
                continue;
            }

            // Trust but verify: the repaired copy must now hash to the committed checksum.
            if (!ChunkChecksum.TryParse(chunk.Checksum, out var committed))
            {
                failures.Add($"the committed checksum '{chunk.Checksum}' is unreadable");
                break;
            }

            var digest = await _transport.DigestAsync(work.Bad.Url, key, chunk.Version, committed, cancellationToken);
            if (digest.Verdict != ReplicaVerdict.Ok)
            {
                failures.Add($"from server {source.ServerId}: repaired, but its digest still says {digest.Verdict.ToString().ToLowerInvariant()}: {digest.Detail}");
                continue;
            }

            // Meta turns this report into the repair.finished event (with this reason and this client as its source).
            var repaired = $"read repair: it had the chunk {state.ToString().ToLowerInvariant()} ({detail}); it repaired itself from server {source.ServerId} ({source.Url}) and now holds version {chunk.Version} with checksum {chunk.Checksum}";
            await _reporter.ReportReplicaAsync(chunk.ChunkId, work.Bad.ServerId, ReplicaState.Ok, chunk.Version, Truncate(repaired), cancellationToken);
            Interlocked.Increment(ref _completed);
            ClientLog.Repaired(_logger, work.Bad.ServerId, chunk.ChunkId, state, detail, source.Url);
            return;
        }

        Interlocked.Increment(ref _failed);
        var why = failures.Count == 0 ? "no agreeing replica to repair from" : string.Join("; ", failures);
        ClientLog.RepairFailed(_logger, chunk.ChunkId, work.Bad.ServerId, why);
        await _reporter.PostEventAsync(
            EventKinds.RepairFailed,
            EventSeverity.Warning,
            $"Read repair of chunk {key} (ino {work.Ino}, index {chunk.Index}) on server {work.Bad.ServerId} failed: {why}.",
            work.Bad.ServerId,
            work.Ino,
            chunk.ChunkId,
            cancellationToken);
    }
}
