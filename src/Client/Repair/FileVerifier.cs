using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Client.Http;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Repair;

/// <summary>
/// Checks every replica of a file against the committed version and checksum of each chunk — every data server
/// recomputes the digest of what it actually stores — and on request repairs the bad ones through the client's own
/// read-repair path (<see cref="ReadRepairQueue"/>: report the finding to the metadata server, have the bad server pull
/// the chunk from a good replica and verify it, check its digest, report it Ok). For tools and the dashboard; it keeps
/// no client session, so it does not count as a client with quorums. Thread-safe.
/// </summary>
public sealed class FileVerifier : IAsyncDisposable
{
    private const int ChunksPerPage = 1024;
    private const int ChunksInParallel = 8;
    private readonly ServiceProvider _services;
    private readonly IMetadataApi _meta;
    private readonly ReplicaTransport _transport;
    private readonly ReadRepairQueue _repairs;
    private readonly TimeSpan _repairTimeout;

    private FileVerifier(ServiceProvider services, ReplicaFsClientOptions options, ILoggerFactory loggerFactory)
    {
        _services = services;
        _meta = services.GetRequiredService<IMetadataApi>();
        _repairTimeout = options.RepairTimeout;
        var logger = loggerFactory.CreateLogger("ReplicaFs.Client.Repair");
        _transport = new ReplicaTransport(services.GetRequiredService<IDataServerClients>(), new ReplicaLatencyTracker(), options);
        var reporter = new ClusterEventReporter(_meta, options.ClientName ?? ClientIdentity.Default, logger);
        _repairs = new ReadRepairQueue(_meta, _transport, reporter, logger, options.RepairQueueCapacity, options.RepairConcurrency, options.DrainTimeout);
    }

    /// <summary>A verifier of the cluster of <paramref name="options"/> (its metadata server, timeouts and repair settings).</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static FileVerifier Create(ReplicaFsClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection().AddReplicaFsClientHttp(options).BuildServiceProvider();
        return new FileVerifier(services, options, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>
    /// Asks every replica of every chunk of file <paramref name="ino"/> for its digest; with <paramref name="repair"/>,
    /// repairs each stale, corrupt or missing replica from an agreeing one and checks its digest again.
    /// Unreachable replicas are reported, never repaired (there is nothing to tell them).
    /// </summary>
    /// <exception cref="Contracts.Posix.PosixException">ENOENT, EISDIR…: the file cannot be listed; EIO: the metadata server is unreachable.</exception>
    public async Task<FileVerification> VerifyAsync(long ino, bool repair, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var chunks = new List<ChunkInfo>();
        for (long from = 0; ; from += ChunksPerPage)
        {
            var page = await _meta.GetChunksAsync(ino, from, ChunksPerPage, cancellationToken);
            chunks.AddRange(page.Chunks.Where(c => c.Version > 0));
            if (from + ChunksPerPage >= ChunkCount(page.Size, page.ChunkSize))
            {
                break;
            }
        }

        var found = new ChunkVerification[chunks.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunks.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ChunksInParallel, CancellationToken = cancellationToken },
            async (i, ct) => found[i] = new ChunkVerification(chunks[i], await DigestAllAsync(chunks[i], ct)));

        if (repair && found.Any(c => c.Replicas.Any(r => r.IsRepairable)))
        {
            foreach (var chunk in found)
            {
                EnqueueRepairs(ino, chunk);
            }

            await _repairs.WaitIdleAsync(_repairTimeout, cancellationToken);
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = await RecheckAsync(found[i], cancellationToken);
            }
        }

        return new FileVerification(ino, repair, found, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Asks one replica for the digest of what it stores and compares it with <paramref name="chunk"/>'s committed version and checksum.</summary>
    public async Task<ReplicaVerification> VerifyReplicaAsync(ChunkInfo chunk, ReplicaInfo replica, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(replica);
        var reply = await DigestAsync(chunk, replica.Url, cancellationToken);
        // Until a repair says otherwise: a bad replica (unreachable or failed ones included) had nothing attempted.
        var repair = reply.Verdict == ReplicaVerdict.Ok ? RepairOutcome.NotNeeded : RepairOutcome.NotAttempted;
        return new ReplicaVerification(replica.ServerId, replica.Url, reply.Verdict, reply.Detail, repair);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _repairs.DisposeAsync();
        await _services.DisposeAsync();
    }

    private static long ChunkCount(long size, int chunkSize) => chunkSize <= 0 ? 0 : (size + chunkSize - 1) / chunkSize;

    private async Task<IReadOnlyList<ReplicaVerification>> DigestAllAsync(ChunkInfo chunk, CancellationToken cancellationToken) =>
        await Task.WhenAll(chunk.Replicas.Select(r => VerifyReplicaAsync(chunk, r, cancellationToken)));

    private Task<ReplicaReply> DigestAsync(ChunkInfo chunk, string url, CancellationToken cancellationToken) =>
        ChunkChecksum.TryParse(chunk.Checksum, out var checksum)
            ? _transport.DigestAsync(url, ChunkKey.FromId(chunk.ChunkId), chunk.Version, checksum, cancellationToken)
            : Task.FromResult(new ReplicaReply(ReplicaVerdict.Failed, $"the metadata server gave an unreadable checksum '{chunk.Checksum}'"));

    private void EnqueueRepairs(long ino, ChunkVerification chunk)
    {
        var sources = chunk.Replicas
            .Where(r => r.Verdict == ReplicaVerdict.Ok)
            .Select(r => chunk.Chunk.Replicas.First(c => c.ServerId == r.ServerId))
            .ToList();
        if (sources.Count == 0)
        {
            return;
        }

        foreach (var bad in chunk.Replicas.Where(r => r.IsRepairable))
        {
            var state = bad.Verdict switch
            {
                ReplicaVerdict.Corrupt => ReplicaState.Corrupt,
                ReplicaVerdict.Stale => ReplicaState.Stale,
                _ => ReplicaState.Missing,
            };
            var replica = chunk.Chunk.Replicas.First(c => c.ServerId == bad.ServerId);
            _repairs.Enqueue(new RepairWork(ino, chunk.Chunk, replica, state, bad.Detail, sources));
        }
    }

    private async Task<ChunkVerification> RecheckAsync(ChunkVerification chunk, CancellationToken cancellationToken)
    {
        if (!chunk.Replicas.Any(r => r.IsRepairable))
        {
            return chunk;
        }

        var hasSource = chunk.Replicas.Any(r => r.Verdict == ReplicaVerdict.Ok);
        var replicas = new List<ReplicaVerification>(chunk.Replicas.Count);
        foreach (var replica in chunk.Replicas)
        {
            if (!replica.IsRepairable)
            {
                replicas.Add(replica);
                continue;
            }

            if (!hasSource)
            {
                replicas.Add(replica with { Repair = RepairOutcome.Failed, RepairDetail = "no replica holds a good copy to repair from" });
                continue;
            }

            var after = await DigestAsync(chunk.Chunk, replica.Url, cancellationToken);
            replicas.Add(replica with
            {
                Repair = after.Verdict == ReplicaVerdict.Ok ? RepairOutcome.Repaired : RepairOutcome.Failed,
                RepairDetail = after.Verdict == ReplicaVerdict.Ok
                    ? $"repaired from a good replica; its digest now matches ({after.Detail})"
                    : $"still {after.Verdict.ToString().ToLowerInvariant()} after the repair: {after.Detail}",
            });
        }

        return chunk with { Replicas = replicas };
    }
}
