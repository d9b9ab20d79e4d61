using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Refit;
using ReplicaFs.Client.Chunks;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Quorum;

/// <summary>
/// The calls the quorum engine makes to data servers, each bounded by its own timeout and turned into a
/// <see cref="ReplicaReply"/> instead of an exception, so that one dead, hung or misbehaving replica can never stall
/// or break an operation. Only cancellation by the caller propagates (as <see cref="OperationCanceledException"/>).
/// Latencies and failures feed the <see cref="ReplicaLatencyTracker"/>.
/// </summary>
internal sealed class ReplicaTransport(IDataServerClients clients, ReplicaLatencyTracker latency, ReplicaFsClientOptions options)
{
    private static readonly MediaTypeHeaderValue OctetStream = new(ChunkHeaders.OctetStream);

    /// <summary>The latency tracker.</summary>
    public ReplicaLatencyTracker Latency => latency;

    /// <summary>Asks a replica for the digest of a chunk version, recomputed from all its bytes, and compares it with the committed checksum.</summary>
    public Task<ReplicaReply> DigestAsync(string url, string key, long version, ulong checksum, CancellationToken cancellationToken) =>
        DigestAsync(url, key, version, checksum, rangeOffset: null, rangeLength: null, cancellationToken);

    /// <summary>
    /// Asks a replica for the digest of a chunk version and compares it with the committed checksum: recomputed from all
    /// its bytes when <paramref name="rangeOffset"/> is null, else from the blocks of [offset, offset + length) and the
    /// recorded hashes of the others (what a ranged read needs to trust, at the cost of reading only that range).
    /// </summary>
    public async Task<ReplicaReply> DigestAsync(string url, string key, long version, ulong checksum, long? rangeOffset, long? rangeLength, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.DigestTimeout, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var api = clients.ForServer(url);
            var digest = rangeOffset is null
                ? await api.GetDigestAsync(key, version, call.Token)
                : await api.GetRangeDigestAsync(key, version, rangeOffset, rangeLength, call.Token);
            latency.RecordSuccess(url, Stopwatch.GetElapsedTime(started));
            return ClassifyDigest(digest, version, checksum);
        }
        catch (Exception ex) when (call.IsFailure(ex))
        {
            return Failure(url, ex, call, options.DigestTimeout);
        }
    }

    /// <summary>
    /// Fetches chunk bytes into <paramref name="destination"/> and verifies them: a full read when
    /// <paramref name="rangeOffset"/> is null, else the block-aligned range [offset, offset + length).
    /// </summary>
    public async Task<ReplicaReply> FetchAsync(string url, string key, long version, ulong checksum, long? rangeOffset, long? rangeLength, ChunkDestination destination, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.TransferTimeout, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await clients.ForServer(url).GetChunkAsync(key, version, rangeOffset, rangeLength, call.Token);
            if (!response.IsSuccessStatusCode)
            {
                return await ErrorReplyAsync(url, response, call.Token);
            }

            latency.RecordSuccess(url, Stopwatch.GetElapsedTime(started));
            return await ChunkBodyReader.ReadAsync(response, version, checksum, rangeOffset, destination, call.Token);
        }
        catch (Exception ex) when (call.IsFailure(ex))
        {
            return Failure(url, ex, call, options.TransferTimeout);
        }
    }

    /// <summary>Stores a chunk version on a replica (idempotent per chunk and version, so it is retried once after a connection failure).</summary>
    public async Task<ReplicaReply> PutAsync(string url, string key, long version, string checksum, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.TransferTimeout, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var content = new ReadOnlyMemoryContent(bytes);
                content.Headers.ContentType = OctetStream;
                using var response = await clients.ForServer(url).PutChunkAsync(key, version, checksum, content, call.Token);
                if (!response.IsSuccessStatusCode)
                {
                    return await ErrorReplyAsync(url, response, call.Token);
                }

                latency.RecordSuccess(url, Stopwatch.GetElapsedTime(started));
                return ReplicaReply.Ok;
            }
            catch (Exception ex) when (call.IsFailure(ex))
            {
                // A pooled connection the server closed (it restarted) fails at once; one fresh attempt is safe because PUT is idempotent.
                if (attempt == 1 && !call.TimedOut && IsConnectionFailure(ex) && Stopwatch.GetElapsedTime(started) < options.TransferTimeout / 4)
                {
                    continue;
                }

                return Failure(url, ex, call, options.TransferTimeout);
            }
        }
    }

    /// <summary>The newest version a replica holds of a chunk (HEAD without a version), or null with the reason.</summary>
    public async Task<(long? Version, ReplicaReply Reply)> NewestVersionAsync(string url, string key, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.DigestTimeout, cancellationToken);
        try
        {
            using var response = await clients.ForServer(url).HeadChunkAsync(key, null, call.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, new ReplicaReply(ReplicaVerdict.Missing, "holds no version of the chunk"));
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, await ErrorReplyAsync(url, response, call.Token));
            }

            var version = ChunkBodyReader.ReadLongHeader(response.Headers, response.Content.Headers, ChunkHeaders.Version);
            return version is null
                ? (null, new ReplicaReply(ReplicaVerdict.Failed, $"HEAD answer without {ChunkHeaders.Version}"))
                : (version, ReplicaReply.Ok);
        }
        catch (Exception ex) when (call.IsFailure(ex))
        {
            return (null, Failure(url, ex, call, options.DigestTimeout));
        }
    }

    /// <summary>Deletes one version of a chunk from a replica (a version that was written but will never be committed).</summary>
    public async Task<ReplicaReply> DeleteVersionAsync(string url, string key, long version, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.DigestTimeout, cancellationToken);
        try
        {
            using var response = await clients.ForServer(url).DeleteChunkAsync(key, version, null, call.Token);
            return response.IsSuccessStatusCode ? ReplicaReply.Ok : await ErrorReplyAsync(url, response, call.Token);
        }
        catch (Exception ex) when (call.IsFailure(ex))
        {
            return Failure(url, ex, call, options.DigestTimeout);
        }
    }

    /// <summary>Tells a replica to replace its copy with the one of <paramref name="request"/>'s source.</summary>
    public async Task<ReplicaReply> RepairAsync(string url, string key, RepairRequest request, CancellationToken cancellationToken)
    {
        using var call = new CallScope(options.RepairTimeout, cancellationToken);
        try
        {
            var result = await clients.ForServer(url).RepairAsync(key, request, call.Token);
            return result.Version == request.Version && string.Equals(result.Checksum, request.Checksum, StringComparison.Ordinal)
                ? new ReplicaReply(ReplicaVerdict.Ok, result.Replaced ? "replaced its copy" : "already held a good copy")
                : new ReplicaReply(ReplicaVerdict.Failed, $"repair answered version {result.Version} checksum {result.Checksum}, expected {request.Version} {request.Checksum}");
        }
        catch (Exception ex) when (call.IsFailure(ex))
        {
            return Failure(url, ex, call, options.RepairTimeout);
        }
    }

    /// <summary>Compares a digest with the committed version and checksum.</summary>
    internal static ReplicaReply ClassifyDigest(ChunkDigest digest, long version, ulong checksum)
    {
        if (digest.Version != version)
        {
            return new ReplicaReply(ReplicaVerdict.Stale, $"holds version {digest.Version}, committed is {version}");
        }

        if (!ChunkChecksum.TryParse(digest.Checksum, out var actual))
        {
            return new ReplicaReply(ReplicaVerdict.Failed, $"reported an unreadable checksum '{digest.Checksum}'");
        }

        if (!digest.Intact)
        {
            return new ReplicaReply(ReplicaVerdict.Corrupt, $"its stored bytes hash to {digest.Checksum}, recorded {digest.RecordedChecksum}, committed {ChunkChecksum.Format(checksum)}");
        }

        return actual != checksum
            ? new ReplicaReply(ReplicaVerdict.Corrupt, $"its stored bytes hash to {digest.Checksum}, committed checksum is {ChunkChecksum.Format(checksum)}")
            : new ReplicaReply(ReplicaVerdict.Ok, $"version {version}, checksum {digest.Checksum}");
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is HttpRequestException { StatusCode: null } || (ex is ApiRequestException && ex.InnerException is HttpRequestException);

    private ReplicaReply Failure(string url, Exception ex, CallScope call, TimeSpan timeout)
    {
        if (ex is ApiException api)
        {
            return StatusReply(url, api.StatusCode, ProblemText.Summarize(api.Content));
        }

        latency.RecordFailure(url);
        if (call.TimedOut)
        {
            return new ReplicaReply(ReplicaVerdict.Unreachable, $"no answer within {timeout.TotalSeconds:0.###} s");
        }

        return ex is JsonException or InvalidOperationException or FormatException
            ? new ReplicaReply(ReplicaVerdict.Failed, $"answered something unreadable: {ex.Message}")
            : new ReplicaReply(ReplicaVerdict.Unreachable, Innermost(ex).Message);
    }

    private async Task<ReplicaReply> ErrorReplyAsync(string url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? body = null;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status alone says enough.
        }

        return StatusReply(url, response.StatusCode, ProblemText.Summarize(body));
    }

    private ReplicaReply StatusReply(string url, HttpStatusCode status, string detail)
    {
        switch (status)
        {
            case HttpStatusCode.NotFound:
                return new ReplicaReply(ReplicaVerdict.Missing, $"404: {detail}");
            case HttpStatusCode.ServiceUnavailable:
                latency.RecordFailure(url);
                return new ReplicaReply(ReplicaVerdict.Unreachable, $"503: {detail}");
            default:
                return new ReplicaReply(ReplicaVerdict.Failed, $"{(int)status}: {detail}");
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }

    /// <summary>A per-call deadline linked to the caller's token.</summary>
    private sealed class CallScope : IDisposable
    {
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _source;

        public CallScope(TimeSpan timeout, CancellationToken caller)
        {
            _caller = caller;
            _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _source.CancelAfter(timeout);
        }

        public CancellationToken Token => _source.Token;

        public bool TimedOut => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

        /// <summary>Everything but the caller's own cancellation is a failure of this replica.</summary>
        public bool IsFailure(Exception ex) => !(_caller.IsCancellationRequested && ex is OperationCanceledException);

        public void Dispose() => _source.Dispose();
    }
}
