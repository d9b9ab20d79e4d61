using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Quorum;

/// <summary>
/// Quorum read of one chunk. The best replica (meta state Ok, healthy, fastest) sends the bytes, and its verified bytes
/// are its vote; the Qr - 1 next best are asked for the digest of the committed version (recomputed from their stored
/// bytes: all of them for a whole-chunk read, only the blocks read for a ranged one); more are asked when one fails or
/// disagrees, or when the source is slow. The read returns as soon as Qr replicas agree with the committed (version,
/// checksum) and verified bytes from one of them are in the destination; stragglers are not waited for. After a
/// whole-chunk read the replicas not asked are checked in the background (one such check per client at a time).
/// Bytes that fail verification are fetched again from another agreeing replica. Disagreeing replicas are handed to
/// read repair. Fewer than Qr agreeing replicas: a <see cref="QuorumException"/> (EIO) and a
/// <c>quorum.read-failed</c> event that says which replica said what.
/// </summary>
internal sealed class QuorumReader(
    ReplicaTransport transport,
    IChunkMapApi meta,
    ReadRepairQueue repairs,
    ClusterEventReporter reporter,
    BackgroundWork background,
    int readQuorum,
    TimeSpan hedgeDelay,
    ILogger logger)
{
    /// <summary>Qr.</summary>
    public int ReadQuorum => readQuorum;

    /// <summary>
    /// Reads chunk bytes [destination.Start, destination.End) of <paramref name="chunk"/>'s committed version into
    /// <paramref name="destination"/>. The window must lie within the chunk's Length.
    /// </summary>
    /// <exception cref="QuorumException">Fewer than Qr replicas agree, or none delivered verifiable bytes.</exception>
    /// <exception cref="ChunkChangedException">The chunk's committed version changed since <paramref name="chunk"/> was read from the map.</exception>
    public async Task ReadAsync(long ino, ChunkInfo chunk, ChunkDestination destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.End <= destination.Start)
        {
            return;
        }

        if (destination.Start < 0 || destination.End > chunk.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), $"Chunk bytes [{destination.Start}, {destination.End}) are outside the chunk's length {chunk.Length}.");
        }

        if (!ChunkChecksum.TryParse(chunk.Checksum, out var checksum))
        {
            throw new PosixException(Errno.EIO, $"The metadata server gave chunk {chunk.ChunkId} an unreadable checksum '{chunk.Checksum}'.");
        }

        var replicas = chunk.Replicas;
        var key = ChunkKey.FromId(chunk.ChunkId);
        var (rangeOffset, rangeLength) = PlanRange(destination.Start, destination.End, chunk.Length);
        var tally = new ReadQuorumTally(replicas.Count, readQuorum);
        var order = new int[replicas.Count];
        transport.Latency.Rank(replicas, order);

        var replies = Channel.CreateUnbounded<Reply>(new UnboundedChannelOptions { SingleReader = true });
        var asked = new bool[replicas.Count];
        var byFetch = new bool[replicas.Count];
        var pendingDigests = 0;
        void Ask(int replica)
        {
            asked[replica] = true;
            pendingDigests++;

            // Digests run on the client's lifetime, not the caller's: a straggler's answer still feeds read repair.
            _ = DigestAsync(replica, replicas[replica].Url, key, chunk.Version, checksum, rangeOffset, rangeLength, replies.Writer, background.Stopping);
        }

        void AskRest()
        {
            foreach (var replica in order)
            {
                if (!asked[replica] && !byFetch[replica])
                {
                    Ask(replica);
                }
            }
        }

        // The Qr - 1 next best replicas are asked; the best one, the byte source, votes with its verified bytes.
        for (var rank = 1; rank < Math.Min(readQuorum, replicas.Count); rank++)
        {
            Ask(order[rank]);
        }

        Task? fetch = null;
        CancellationTokenSource? fetchCancel = null;
        var fetchRunning = false;
        var source = -1;
        var hedged = false;
        var abandonWhenPossible = false;
        var slowRead = false;
        var outcome = ReadStep.Wait;

        // A read still undecided after the hedge delay asks every replica: one slow replica among those asked costs
        // the delay, not its timeout.
        using var readOver = new CancellationTokenSource();
        _ = HedgeAfterAsync(EveryReplica, replies.Writer, readOver.Token);
        try
        {
            while (outcome == ReadStep.Wait)
            {
                var decision = tally.Next(order);
                switch (decision.Step)
                {
                    case ReadStep.FetchBytes:
                        tally.StartBytes(decision.Replica);
                        fetchCancel?.Dispose();
                        fetchCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        fetch = FetchAsync(decision.Replica, replicas[decision.Replica].Url, key, chunk.Version, checksum, rangeOffset, rangeLength, destination, replies.Writer, fetchCancel.Token);
                        fetchRunning = true;
                        source = decision.Replica;
                        hedged = false;
                        abandonWhenPossible = false;
                        if (!asked[source])
                        {
                            // Not asked for a digest: its verified bytes are its vote. If it is slow, the others are asked:
                            // by the read's own timer, or, once that fired, by one of its own.
                            byFetch[source] = true;
                            hedged = true;
                            if (slowRead)
                            {
                                _ = HedgeAfterAsync(source, replies.Writer, fetchCancel.Token);
                            }
                        }

                        continue;
                    case ReadStep.CancelBytes:
                        await fetchCancel!.CancelAsync();
                        continue;
                    case ReadStep.Succeeded:
                    case ReadStep.Failed:
                        outcome = decision.Step;
                        continue;
                }

                if (abandonWhenPossible && tally.SlowSource(order) == source && tally.AbandonSlowSource(order) == source)
                {
                    abandonWhenPossible = false;
                    await fetchCancel!.CancelAsync();
                    continue;
                }

                // Qr replicas agree but the byte source has not even reported its digest: give it a short while, then move on.
                if (!hedged && source >= 0 && tally.SlowSource(order) == source)
                {
                    hedged = true;
                    _ = HedgeAfterAsync(source, replies.Writer, fetchCancel!.Token);
                }

                // Enough replicas asked that Qr can still agree; none outstanding at all would wait forever.
                var expected = tally.Agreeing + Outstanding(tally, asked, byFetch, fetchRunning ? source : -1);
                for (var rank = 0; rank < order.Length && (expected < readQuorum || (pendingDigests == 0 && !fetchRunning)); rank++)
                {
                    var candidate = order[rank];
                    if (!asked[candidate] && !byFetch[candidate])
                    {
                        Ask(candidate);
                        expected++;
                    }
                }

                if (pendingDigests == 0 && !fetchRunning)
                {
                    // Nothing can answer any more: the tally has all it will ever get.
                    outcome = ReadStep.Failed;
                    continue;
                }

                var reply = await replies.Reader.ReadAsync(cancellationToken);
                if (reply.Kind == ReplyKind.Digest)
                {
                    pendingDigests--;
                    tally.RecordDigest(reply.Replica, reply.Result.Verdict, reply.Result.Detail);
                }
                else if (reply.Kind == ReplyKind.Bytes)
                {
                    fetchRunning = false;
                    tally.RecordBytes(reply.Replica, reply.Result.Verdict, reply.Result.Detail);
                    if (byFetch[reply.Replica] && tally.DigestVerdict(reply.Replica) == ReplicaVerdict.Pending)
                    {
                        // Its bytes were its vote: verified bytes agree; anything else is what it answers for the chunk.
                        var verdict = reply.Result.Verdict == ReplicaVerdict.Pending ? ReplicaVerdict.Failed : reply.Result.Verdict;
                        var detail = verdict == ReplicaVerdict.Ok ? $"version {chunk.Version}: its bytes verified against checksum {chunk.Checksum}" : reply.Result.Detail;
                        tally.RecordDigest(reply.Replica, verdict, detail);
                    }
                }
                else if (reply.Replica >= 0 && reply.Replica == source && tally.AbandonSlowSource(order) == source)
                {
                    await fetchCancel!.CancelAsync();
                }
                else if (reply.Replica == EveryReplica || (reply.Replica == source && byFetch[source]))
                {
                    // Slow: ask every replica; a source whose vote is its bytes is abandoned once others agree.
                    slowRead |= reply.Replica == EveryReplica;
                    abandonWhenPossible = source >= 0 && byFetch[source] && fetchRunning;
                    AskRest();
                }
            }
        }
        finally
        {
            await readOver.CancelAsync();

            // Never return while a fetch may still write into the caller's memory.
            if (fetch is { IsCompleted: false })
            {
                await fetchCancel!.CancelAsync();
                await fetch;
            }

            fetchCancel?.Dispose();
        }

        if (outcome == ReadStep.Succeeded)
        {
            // A whole chunk read by quorum: the replicas not asked are checked off the reader's path, one chunk at a time
            // per client, so that read repair still finds them without a streaming reader paying for every replica.
            var unasked = rangeOffset is null ? Enumerable.Range(0, replicas.Count).Where(i => !asked[i] && !byFetch[i]).ToList() : [];
            if (unasked.Count > 0)
            {
                var sources = Sources(chunk, tally);
                repairs.EnqueueCheck(ct => CheckUnaskedAsync(ino, chunk, key, checksum, unasked, sources, ct));
            }

            if (pendingDigests == 0)
            {
                QueueRepairs(ino, chunk, tally);
            }
            else
            {
                var pending = pendingDigests;
                background.Run(ct => FinishStragglersAsync(ino, chunk, tally, replies.Reader, pending, ct));
            }

            return;
        }

        // Failed: collect every answer (each bounded by its timeout) so that the report is complete.
        while (pendingDigests > 0)
        {
            var reply = await replies.Reader.ReadAsync(cancellationToken);
            if (reply.Kind == ReplyKind.Digest)
            {
                pendingDigests--;
                tally.RecordDigest(reply.Replica, reply.Result.Verdict, reply.Result.Detail);
            }
        }

        await ThrowIfChangedAsync(ino, chunk, cancellationToken);

        var outcomes = Enumerable.Range(0, replicas.Count).Select(i => tally.Outcome(i, replicas[i].ServerId, replicas[i].Url)).ToList();
        var failure = new QuorumException(QuorumOperation.Read, ino, chunk.ChunkId, chunk.Index, chunk.Version, readQuorum, tally.Agreeing, outcomes, tally.FailureReason);
        ClientLog.ReadQuorumFailed(logger, chunk.ChunkId, ino, failure.Message);
        QueueRepairs(ino, chunk, tally);
        await reporter.PostEventAsync(EventKinds.ReadQuorumFailed, EventSeverity.Error, failure.Message, null, ino, chunk.ChunkId, background.Stopping);
        throw failure;
    }

    /// <summary>Replicas that may still agree and will answer: digests asked and not in, and a running fetch that is its replica's vote.</summary>
    private static int Outstanding(ReadQuorumTally tally, bool[] asked, bool[] byFetch, int fetching)
    {
        var count = 0;
        for (var i = 0; i < asked.Length; i++)
        {
            if (tally.DigestVerdict(i) == ReplicaVerdict.Pending && (asked[i] || (byFetch[i] && i == fetching)))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The request for chunk bytes [start, end) of a chunk with <paramref name="length"/> readable bytes: a full read
    /// (null offset) when everything readable is wanted, else the smallest block-aligned range that covers the window.
    /// </summary>
    internal static (long? Offset, long? Length) PlanRange(int start, int end, long length)
    {
        if (start == 0 && end >= length)
        {
            return (null, null);
        }

        long blockSize = ChunkChecksum.BlockSize;
        var offset = start / blockSize * blockSize;
        var alignedEnd = (end + blockSize - 1) / blockSize * blockSize;
        return (offset, alignedEnd - offset);
    }

    private async Task DigestAsync(int replica, string url, string key, long version, ulong checksum, long? rangeOffset, long? rangeLength, ChannelWriter<Reply> replies, CancellationToken cancellationToken)
    {
        ReplicaReply result;
        try
        {
            // A partial read asks only about the blocks it reads: each replica re-hashes those, not the whole chunk.
            result = await transport.DigestAsync(url, key, version, checksum, rangeOffset, rangeLength, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            result = new ReplicaReply(ReplicaVerdict.Unreachable, "the client is shutting down");
        }

        replies.TryWrite(new Reply(replica, ReplyKind.Digest, result));
    }

    private async Task FetchAsync(int replica, string url, string key, long version, ulong checksum, long? rangeOffset, long? rangeLength, ChunkDestination destination, ChannelWriter<Reply> replies, CancellationToken cancellationToken)
    {
        ReplicaReply result;
        try
        {
            result = await transport.FetchAsync(url, key, version, checksum, rangeOffset, rangeLength, destination, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            result = new ReplicaReply(ReplicaVerdict.Unreachable, "byte fetch abandoned");
        }

        replies.TryWrite(new Reply(replica, ReplyKind.Bytes, result));
    }

    private async Task FinishStragglersAsync(long ino, ChunkInfo chunk, ReadQuorumTally tally, ChannelReader<Reply> replies, int pending, CancellationToken cancellationToken)
    {
        while (pending > 0)
        {
            var reply = await replies.ReadAsync(cancellationToken);
            if (reply.Kind == ReplyKind.Digest)
            {
                pending--;
                tally.RecordDigest(reply.Replica, reply.Result.Verdict, reply.Result.Detail);
            }
        }

        QueueRepairs(ino, chunk, tally);
    }

    /// <summary>
    /// The background check after a whole-chunk read: full digests of the replicas it did not ask; stale, corrupt and
    /// missing ones go to read repair, with the read's agreeing replicas as sources.
    /// </summary>
    private async Task CheckUnaskedAsync(long ino, ChunkInfo chunk, string key, ulong checksum, List<int> unasked, List<ReplicaInfo> sources, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(unasked.Select(i => transport.DigestAsync(chunk.Replicas[i].Url, key, chunk.Version, checksum, null, null, cancellationToken)));
        var tally = new ReadQuorumTally(chunk.Replicas.Count, readQuorum);
        for (var k = 0; k < unasked.Count; k++)
        {
            tally.RecordDigest(unasked[k], answers[k].Verdict, answers[k].Detail);
        }

        QueueRepairs(ino, chunk, tally, sources);
    }

    /// <summary>The agreeing replicas of a read, the byte source first: where bad replicas repair themselves from.</summary>
    private static List<ReplicaInfo> Sources(ChunkInfo chunk, ReadQuorumTally tally) =>
        tally.GoodReplicas().Select(i => chunk.Replicas[i]).ToList();

    /// <summary>Hands the tally's stale, corrupt and missing replicas to read repair (sources: the tally's own agreeing ones by default).</summary>
    private void QueueRepairs(long ino, ChunkInfo chunk, ReadQuorumTally tally, List<ReplicaInfo>? sources = null)
    {
        var findings = tally.Findings();
        if (findings.Count == 0)
        {
            return;
        }

        sources ??= Sources(chunk, tally);
        foreach (var finding in findings)
        {
            repairs.Enqueue(new RepairWork(ino, chunk, chunk.Replicas[finding.Replica], finding.State, finding.Detail, sources));
        }
    }

    private async Task ThrowIfChangedAsync(long ino, ChunkInfo chunk, CancellationToken cancellationToken)
    {
        ChunkInfo current;
        try
        {
            current = await meta.GetChunkAsync(chunk.ChunkId, cancellationToken);
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
        {
            ClientLog.ChunkChanged(logger, chunk.ChunkId, ino, 0);
            throw new ChunkChangedException((ChunkInfo?)null);
        }

        if (current.Version != chunk.Version || !string.Equals(current.Checksum, chunk.Checksum, StringComparison.Ordinal) || current.Length != chunk.Length)
        {
            ClientLog.ChunkChanged(logger, chunk.ChunkId, ino, current.Version);
            throw new ChunkChangedException(current);
        }
    }

    /// <summary>
    /// After <see cref="ReplicaFsClientOptions.ByteSourceHedgeDelay"/>, asks the loop to check whether the byte fetch
    /// should move to an agreeing replica (see <see cref="ReadQuorumTally.AbandonSlowSource"/>).
    /// </summary>
    private async Task HedgeAfterAsync(int replica, ChannelWriter<Reply> replies, CancellationToken fetchToken)
    {
        try
        {
            await Task.Delay(hedgeDelay, fetchToken);
            replies.TryWrite(new Reply(replica, ReplyKind.Hedge, default));
        }
        catch (OperationCanceledException)
        {
            // The fetch ended or was abandoned first.
        }
    }

    /// <summary>The replica of a hedge reply that concerns the whole read rather than one byte fetch.</summary>
    private const int EveryReplica = -1;

    private enum ReplyKind
    {
        Digest = 0,
        Bytes = 1,
        Hedge = 2,
    }

    private readonly record struct Reply(int Replica, ReplyKind Kind, ReplicaReply Result);
}
