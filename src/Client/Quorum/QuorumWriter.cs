using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Quorum;

/// <summary>The chunks a batch committed and the file's attributes after the commit.</summary>
internal sealed record WriteBatchResult(InodeAttributes Attributes, IReadOnlyList<ChunkInfo> Chunks);

/// <summary>
/// Quorum write of a batch of chunks of one file:
/// <list type="number">
/// <item>one lease request for every chunk (chunk id, new version, base version, replica set);</item>
/// <item>each chunk's new content: its new bytes over the committed base (read with a quorum read where the new
/// bytes leave gaps), zeros beyond the base's length; then its checksum;</item>
/// <item>a raw octet-stream PUT of every chunk to every replica of its set, all in parallel;</item>
/// <item>as soon as every chunk has Qw acknowledgements (plus <see cref="ReplicaFsClientOptions.CommitGrace"/> for the
/// rest), one commit for the batch, compare-and-swap on each base version; replicas that failed or had not answered
/// are listed as failed (meta marks them stale) and those that still succeed within
/// <see cref="ReplicaFsClientOptions.LateAckWindow"/> are reported Ok afterwards;</item>
/// <item>a chunk that cannot reach Qw fails the whole batch: nothing is committed, every failed chunk is reported to
/// <c>write-failures</c>, and a <see cref="QuorumException"/> (EIO) is thrown;</item>
/// <item>a commit that loses the compare-and-swap (ESTALE: another writer committed) re-reads the bases of the chunks
/// that moved, re-applies this writer's bytes, leases and writes them again, and retries (bounded).</item>
/// </list>
/// </summary>
internal sealed class QuorumWriter(
    IChunkMapApi meta,
    ReplicaTransport transport,
    QuorumReader reader,
    ClusterEventReporter reporter,
    BackgroundWork background,
    ReplicaFsClientOptions options,
    int writeQuorum,
    int chunkSize,
    ILogger logger)
{
    /// <summary>Qw.</summary>
    public int WriteQuorum => writeQuorum;

    /// <summary>Writes and commits <paramref name="writes"/> (distinct chunk indexes) and extends the file to at least <paramref name="minSize"/>.</summary>
    /// <exception cref="QuorumException">A chunk could not reach Qw; nothing was committed.</exception>
    /// <exception cref="PosixException">The metadata server refused (e.g. ENOENT) or other writers kept winning the commit race.</exception>
    public async Task<WriteBatchResult> WriteAsync(long ino, IReadOnlyList<ChunkWrite> writes, long minSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            throw new ArgumentException("A write batch needs at least one chunk.", nameof(writes));
        }

        if (writes.Select(w => w.Index).Distinct().Count() != writes.Count)
        {
            throw new ArgumentException("A write batch must not name a chunk twice.", nameof(writes));
        }

        var rounds = new Round?[writes.Count];
        var committed = false;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                await StartRoundsAsync(ino, writes, rounds, cancellationToken);
                await Task.WhenAll(rounds.Select(r => r!.WaitDecidedAsync(options.CommitGrace, cancellationToken)));

                if (rounds.Any(r => r!.IsImpossible))
                {
                    await FailAsync(ino, rounds!, cancellationToken);
                }

                var commits = rounds.Select(r => r!.SnapshotCommit()).ToList();
                InodeAttributes attributes;
                try
                {
                    attributes = await meta.CommitAsync(ino, new CommitRequest(commits.Select(c => c.Commit).ToList(), minSize), cancellationToken);
                }
                catch (PosixException ex) when (ex.Errno == Errno.ESTALE)
                {
                    if (attempt >= options.MaxCommitAttempts)
                    {
                        throw new PosixException(Errno.EIO, $"Could not commit {writes.Count} chunk(s) of inode {ino} after {attempt} attempts: other writers kept committing the same chunks ({ex.Message}).", ex);
                    }

                    ClientLog.CommitConflict(logger, ino, writes.Count, attempt);
                    await ResolveConflictAsync(writes, rounds, cancellationToken);
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 * attempt)), cancellationToken);
                    continue;
                }

                committed = true;
                var chunks = new List<ChunkInfo>(rounds.Length);
                for (var i = 0; i < rounds.Length; i++)
                {
                    var round = rounds[i]!;
                    chunks.Add(round.ToChunkInfo(commits[i].Acknowledged));
                    if (commits[i].PendingAtCommit.Count > 0)
                    {
                        var pending = commits[i].PendingAtCommit;
                        background.Run(ct => ReportLateAcksAsync(round, pending, ct));
                    }
                }

                return new WriteBatchResult(attributes, chunks);
            }
        }
        finally
        {
            if (!committed)
            {
                foreach (var round in rounds)
                {
                    if (round is not null)
                    {
                        await round.AbandonAsync();
                    }
                }
            }
        }
    }

    private async Task StartRoundsAsync(long ino, IReadOnlyList<ChunkWrite> writes, Round?[] rounds, CancellationToken cancellationToken)
    {
        var needing = Enumerable.Range(0, writes.Count).Where(i => rounds[i] is null).ToList();
        if (needing.Count == 0)
        {
            return;
        }

        var response = await meta.AcquireLeasesAsync(ino, new LeaseRequest(needing.Select(i => writes[i].Index).ToList()), cancellationToken);
        var leases = new Dictionary<long, WriteLease>();
        foreach (var lease in response.Leases)
        {
            leases[lease.Index] = lease;
        }

        var starts = new List<Task>(needing.Count);
        foreach (var i in needing)
        {
            if (!leases.TryGetValue(writes[i].Index, out var lease))
            {
                throw new PosixException(Errno.EIO, $"The metadata server granted no lease for chunk index {writes[i].Index} of inode {ino}.");
            }

            starts.Add(StartRoundAsync(ino, writes[i], lease, rounds, i, cancellationToken));
        }

        await Task.WhenAll(starts);
    }

    private async Task StartRoundAsync(long ino, ChunkWrite write, WriteLease lease, Round?[] rounds, int slot, CancellationToken cancellationToken)
    {
        var length = await BuildAsync(ino, write, lease, cancellationToken);
        var content = write.Buffer.Memory[..length];
        var checksum = ChunkChecksum.Format(ChunkChecksum.Compute(content.Span));
        var round = new Round(write, lease, length, checksum, writeQuorum);
        rounds[slot] = round;
        round.Start(transport, ChunkKey.FromId(lease.ChunkId), content);
    }

    /// <summary>Puts the chunk's new content together in its buffer and returns its length.</summary>
    private async Task<int> BuildAsync(long ino, ChunkWrite write, WriteLease lease, CancellationToken cancellationToken)
    {
        var baseInfo = await BaseAsync(write, lease, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var baseReadable = baseInfo is null ? 0 : (int)Math.Min(baseInfo.Length, chunkSize);
            var length = ChunkExtent.LengthAfterWrite(baseReadable, write.Dirty.End);
            var gaps = write.Dirty.Gaps(0, baseReadable);
            try
            {
                if (gaps.Count > 0)
                {
                    var destination = new MergeDestination(write.Buffer.Memory, 0, write.Dirty, gaps[0].Start, gaps[^1].End);
                    await reader.ReadAsync(ino, baseInfo!, destination, cancellationToken);
                }
            }
            catch (ChunkChangedException ex) when (attempt < 3)
            {
                // The base moved on while it was read: build on the new one; the commit's compare-and-swap decides.
                baseInfo = ex.Current;
                write.KnownBase = baseInfo;
                continue;
            }

            foreach (var gap in write.Dirty.Gaps(baseReadable, length))
            {
                write.Buffer.Span[gap.Start..gap.End].Clear();
            }

            return length;
        }
    }

    private async Task<ChunkInfo?> BaseAsync(ChunkWrite write, WriteLease lease, CancellationToken cancellationToken)
    {
        if (lease.BaseVersion == 0)
        {
            return null;
        }

        // A write that covers the whole chunk needs nothing from the base.
        if (write.Dirty.Covers(0, chunkSize))
        {
            return null;
        }

        if (write.KnownBase is { } known && known.ChunkId == lease.ChunkId && known.Version == lease.BaseVersion)
        {
            return known;
        }

        try
        {
            var current = await meta.GetChunkAsync(lease.ChunkId, cancellationToken);
            write.KnownBase = current;
            return current;
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
        {
            write.KnownBase = null;
            return null;
        }
    }

    private async Task ResolveConflictAsync(IReadOnlyList<ChunkWrite> writes, Round?[] rounds, CancellationToken cancellationToken)
    {
        var moved = new List<int>();
        for (var i = 0; i < rounds.Length; i++)
        {
            var round = rounds[i]!;
            ChunkInfo? current;
            try
            {
                current = await meta.GetChunkAsync(round.Lease.ChunkId, cancellationToken);
            }
            catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
            {
                current = null;
            }

            if (current is null || current.Version != round.Lease.BaseVersion)
            {
                writes[i].KnownBase = current;
                moved.Add(i);
            }
        }

        // Nothing visibly moved (the conflict resolved itself in between): lease everything again to make progress.
        if (moved.Count == 0)
        {
            moved.AddRange(Enumerable.Range(0, rounds.Length));
        }

        foreach (var i in moved)
        {
            // The commit was refused, so this version will never be visible: its copies are garbage.
            var round = rounds[i]!;
            await round.AbandonAsync();
            Discard(round);
            rounds[i] = null;
        }
    }

    private async Task FailAsync(long ino, Round[] rounds, CancellationToken cancellationToken)
    {
        var failed = rounds.Where(r => r.IsImpossible).ToList();

        // Let the stragglers of the failed chunks answer (each PUT is bounded by its timeout) so the report is exact.
        await Task.WhenAll(failed.Select(r => r.WaitCompleteAsync(options.LateAckWindow, cancellationToken)));
        QuorumException? first = null;
        foreach (var round in failed)
        {
            var outcomes = round.Outcomes();
            var acknowledged = outcomes.Where(o => o.Verdict == ReplicaVerdict.Ok).Select(o => o.ServerId).ToList();
            var failures = outcomes.Where(o => o.Verdict != ReplicaVerdict.Ok)
                .Select(o => new ReplicaFailure(o.ServerId, Reason($"{o.Verdict.ToString().ToLowerInvariant()}: {o.Detail}")))
                .ToList();
            ClientLog.WriteQuorumFailed(logger, round.Lease.ChunkId, ino, round.Lease.Version, acknowledged.Count, outcomes.Count, writeQuorum);
            try
            {
                await meta.ReportWriteFailureAsync(ino, new WriteFailureReport(round.Lease.ChunkId, round.Lease.Version, writeQuorum, acknowledged, failures), cancellationToken);
            }
            catch (PosixException ex)
            {
                ClientLog.ReportFailed(logger, "write failure", ex.Message);
            }

            first ??= new QuorumException(
                QuorumOperation.Write,
                ino,
                round.Lease.ChunkId,
                round.Lease.Index,
                round.Lease.Version,
                writeQuorum,
                acknowledged.Count,
                outcomes,
                round.Lease.Replicas.Count < writeQuorum ? $"the replica set has only {round.Lease.Replicas.Count} servers" : null);
        }

        // Nothing of the batch is committed: every version it wrote is garbage on the replicas that stored it.
        foreach (var round in rounds)
        {
            await round.AbandonAsync();
            Discard(round);
        }

        throw first!;
    }

    /// <summary>Deletes, in the background, the copies of a version that was written but will never be committed.</summary>
    private void Discard(Round round)
    {
        var key = ChunkKey.FromId(round.Lease.ChunkId);
        var stored = Enumerable.Range(0, round.Lease.Replicas.Count).Where(i => round.ReplyOf(i).Verdict == ReplicaVerdict.Ok).Select(i => round.Lease.Replicas[i].Url).ToList();
        if (stored.Count > 0)
        {
            background.Run(ct => Task.WhenAll(stored.Select(url => transport.DeleteVersionAsync(url, key, round.Lease.Version, ct))));
        }
    }

    private async Task ReportLateAcksAsync(Round round, IReadOnlyList<int> pending, CancellationToken cancellationToken)
    {
        try
        {
            await round.WaitCompleteAsync(options.LateAckWindow, cancellationToken);
            foreach (var replica in pending)
            {
                if (round.ReplyOf(replica).Verdict == ReplicaVerdict.Ok)
                {
                    var target = round.Lease.Replicas[replica];
                    ClientLog.LateAck(logger, target.ServerId, round.Lease.ChunkId, round.Lease.Version);
                    await reporter.ReportReplicaAsync(round.Lease.ChunkId, target.ServerId, ReplicaState.Ok, round.Lease.Version, $"acknowledged version {round.Lease.Version} after the commit", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the replica stays stale at meta and is caught up by the servers.
        }
        finally
        {
            await round.AbandonAsync();
        }
    }

    /// <summary>A failure reason as meta accepts it (at most 1024 characters).</summary>
    private static string Reason(string text) => text.Length <= 1024 ? text : text[..1023] + "…";

    /// <summary>One chunk version being written: its lease, content, PUTs and their tally.</summary>
    private sealed class Round : IDisposable
    {
        private readonly Channel<int> _answers = Channel.CreateUnbounded<int>();
        // Each PUT is bounded by its own per-call timeout; this only abandons them early.
        private readonly CancellationTokenSource _cancel = new();
        private readonly WriteQuorumTally _tally;
        private Task _puts = Task.CompletedTask;
        private ChunkBuffer? _buffer;
        private int _abandoned;

        public Round(ChunkWrite write, WriteLease lease, int length, string checksum, int writeQuorum)
        {
            Write = write;
            Lease = lease;
            Length = length;
            Checksum = checksum;
            _tally = new WriteQuorumTally(lease.Replicas.Count, writeQuorum);
        }

        public ChunkWrite Write { get; }

        public WriteLease Lease { get; }

        public int Length { get; }

        public string Checksum { get; }

        public bool IsImpossible
        {
            get
            {
                lock (_tally)
                {
                    return _tally.Impossible;
                }
            }
        }

        /// <summary>Sends the content to every replica; the round holds its own reference to the buffer until every PUT ended.</summary>
        public void Start(ReplicaTransport transport, string key, ReadOnlyMemory<byte> content)
        {
            _buffer = Write.Buffer.Retain();
            var puts = new Task[Lease.Replicas.Count];
            for (var i = 0; i < puts.Length; i++)
            {
                puts[i] = PutAsync(transport, i, key, content);
            }

            _puts = Task.WhenAll(puts);
            _ = _puts.ContinueWith(
                static (_, state) => ((Round)state!).Dispose(),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public ReplicaReply ReplyOf(int replica)
        {
            lock (_tally)
            {
                return _tally.Reply(replica);
            }
        }

        /// <summary>Waits until every replica answered, the write became impossible, or Qw acknowledged and the grace passed.</summary>
        public async Task WaitDecidedAsync(TimeSpan grace, CancellationToken cancellationToken)
        {
            long? deadline = null;
            while (true)
            {
                lock (_tally)
                {
                    if (_tally.Complete || _tally.Impossible)
                    {
                        return;
                    }

                    if (_tally.Reached)
                    {
                        deadline ??= Stopwatch.GetTimestamp() + (long)(grace.TotalSeconds * Stopwatch.Frequency);
                    }
                }

                if (deadline is { } end)
                {
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
                    if (remaining <= TimeSpan.Zero)
                    {
                        return;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    wait.CancelAfter(remaining);
                    try
                    {
                        await _answers.Reader.WaitToReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
                else
                {
                    await _answers.Reader.WaitToReadAsync(cancellationToken);
                }

                while (_answers.Reader.TryRead(out _))
                {
                }
            }
        }

        /// <summary>Waits until every replica answered, at most <paramref name="timeout"/>.</summary>
        public async Task WaitCompleteAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await _puts.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Whoever has not answered is reported as such.
            }
        }

        /// <summary>What to commit now; replicas that have not answered are listed as failed.</summary>
        public (ChunkCommit Commit, List<int> Acknowledged, List<int> PendingAtCommit) SnapshotCommit()
        {
            var acknowledged = new List<int>();
            var pending = new List<int>();
            var failed = new List<ReplicaFailure>();
            lock (_tally)
            {
                for (var i = 0; i < Lease.Replicas.Count; i++)
                {
                    var reply = _tally.Reply(i);
                    var serverId = Lease.Replicas[i].ServerId;
                    switch (reply.Verdict)
                    {
                        case ReplicaVerdict.Ok:
                            acknowledged.Add(i);
                            break;
                        case ReplicaVerdict.Pending:
                            pending.Add(i);
                            failed.Add(new ReplicaFailure(serverId, "no acknowledgement when the write quorum was reached"));
                            break;
                        default:
                            failed.Add(new ReplicaFailure(serverId, Reason($"{reply.Verdict.ToString().ToLowerInvariant()}: {reply.Detail}")));
                            break;
                    }
                }
            }

            var commit = new ChunkCommit(Lease.ChunkId, Lease.Version, Lease.BaseVersion, Length, Checksum, acknowledged.Select(i => Lease.Replicas[i].ServerId).ToList(), failed);
            return (commit, acknowledged, pending);
        }

        public List<ReplicaOutcome> Outcomes()
        {
            lock (_tally)
            {
                return Lease.Replicas.Select((r, i) =>
                {
                    var reply = _tally.Reply(i);
                    return new ReplicaOutcome(r.ServerId, r.Url, reply.Verdict, reply.Verdict == ReplicaVerdict.Pending ? "no answer in time" : reply.Detail);
                }).ToList();
            }
        }

        /// <summary>The committed chunk as readers will see it.</summary>
        public ChunkInfo ToChunkInfo(List<int> acknowledged)
        {
            var replicas = Lease.Replicas.Select((r, i) => acknowledged.Contains(i)
                ? new ReplicaInfo(r.ServerId, r.Url, ReplicaState.Ok, Lease.Version)
                : new ReplicaInfo(r.ServerId, r.Url, ReplicaState.Stale, 0)).ToList();
            return new ChunkInfo(Lease.ChunkId, Lease.Index, Lease.Version, Length, Checksum, replicas);
        }

        /// <summary>Cancels the PUTs that are still running and waits until none touches the buffer any more.</summary>
        public async Task AbandonAsync()
        {
            if (Interlocked.Exchange(ref _abandoned, 1) == 0)
            {
                try
                {
                    await _cancel.CancelAsync();
                }
                catch (ObjectDisposedException)
                {
                    // Every PUT had already ended.
                }
            }

            await _puts.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        private async Task PutAsync(ReplicaTransport transport, int replica, string key, ReadOnlyMemory<byte> content)
        {
            var target = Lease.Replicas[replica];
            ReplicaReply reply;
            try
            {
                reply = await transport.PutAsync(target.Url, key, Lease.Version, Checksum, content, _cancel.Token);
            }
            catch (OperationCanceledException)
            {
                reply = new ReplicaReply(ReplicaVerdict.Unreachable, "the write was abandoned before this replica answered");
            }

            lock (_tally)
            {
                _tally.Record(replica, reply);
            }

            _answers.Writer.TryWrite(replica);
        }

        /// <summary>Called once every PUT ended.</summary>
        public void Dispose()
        {
            Interlocked.Exchange(ref _buffer, null)?.Dispose();
            _cancel.Dispose();
        }
    }
}
