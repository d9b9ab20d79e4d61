using System.Globalization;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Repair;

/// <summary>
/// Repairs a local chunk version from a peer: pulls the bytes, verifies them against the committed checksum on the
/// way to disk and only then atomically replaces the local copy. Any failure of the source leaves the local copy as it was.
/// Read repair (the repair endpoint) and the <see cref="Rebuild.AssignmentPuller"/> (rebuild, catch-up, repair after
/// scrub) both go through here.
/// </summary>
internal sealed partial class ChunkRepairer(IHttpClientFactory clients, ChunkStore store, DataServerMetrics metrics, ILogger<ChunkRepairer> logger)
{
    /// <summary>Name of the HTTP client used to talk to peers.</summary>
    public const string PeerClient = "peers";

    /// <summary>Longest time one transfer may take.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Repairs version <c>request.Version</c> of <paramref name="key"/> from <c>request.SourceUrl</c>; failures are <see cref="PosixException"/> (EIO).</summary>
    public async Task<RepairResult> RepairAsync(string key, RepairRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Version < 1)
        {
            throw new PosixException(Errno.EINVAL, $"'version' must be at least 1 (got {request.Version}).");
        }

        if (!ChunkChecksum.TryParse(request.Checksum, out var checksum))
        {
            throw new PosixException(Errno.EINVAL, $"'checksum' must be 16 lowercase hex digits (got '{request.Checksum}').");
        }

        if (!TryParseSource(request.SourceUrl, out var source))
        {
            throw new PosixException(Errno.EINVAL, $"'sourceUrl' must be an absolute http:// or https:// base URL (got '{request.SourceUrl}').");
        }

        try
        {
            return await PullAsync(key, request.Version, checksum, source, throttle: null, cancellationToken);
        }
        catch (RepairSourceException ex)
        {
            throw new PosixException(Errno.EIO, ex.Message, ex);
        }
    }

    /// <summary>Whether <paramref name="text"/> is an absolute http(s) base URL without query, fragment or user info.</summary>
    public static bool TryParseSource(string? text, out Uri source) =>
        Uri.TryCreate(text, UriKind.Absolute, out source!)
        && (source.Scheme == Uri.UriSchemeHttp || source.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(source.Query) && string.IsNullOrEmpty(source.Fragment) && string.IsNullOrEmpty(source.UserInfo);

    /// <summary>
    /// Pulls <paramref name="version"/> of <paramref name="key"/> from the data server at <paramref name="source"/>,
    /// taking the bytes from <paramref name="throttle"/> as they arrive, and stores it only if it hashes to
    /// <paramref name="checksum"/>. Throws <see cref="RepairSourceException"/> when the source fails or sends bytes
    /// that do not verify; the local copy is then exactly as it was.
    /// </summary>
    public async Task<RepairResult> PullAsync(string key, long version, ulong checksum, Uri source, TokenBucket? throttle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var baseUrl = source.AbsoluteUri.EndsWith('/') ? source : new Uri(source.AbsoluteUri + "/");
        var url = new Uri(baseUrl, $"api/chunks/{key}?version={version.ToString(CultureInfo.InvariantCulture)}");
        var expected = ChunkChecksum.Format(checksum);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TransferTimeout);
        try
        {
            var client = clients.CreateClient(PeerClient);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw Failed(key, version, url, $"it answered {(int)response.StatusCode} {response.ReasonPhrase}", badBytes: false);
            }

            if (response.Headers.TryGetValues(ChunkHeaders.Checksum, out var values) && values.FirstOrDefault() is { } announced
                && announced != expected)
            {
                throw Failed(key, version, url, $"it holds checksum {announced} for version {version}, not {expected}", badBytes: true);
            }

            Stream body = await response.Content.ReadAsStreamAsync(timeout.Token);
            if (throttle is not null)
            {
                body = new ThrottledStream(body, throttle);
            }

            await using (body)
            {
                var (stored, replaced) = await store.ReplaceAsync(key, version, checksum, body, response.Content.Headers.ContentLength, timeout.Token);
                metrics.Repair(succeeded: true, stored.Length);
                LogRepaired(logger, key, version, url, replaced);
                return new RepairResult(key, stored.Version, stored.Length, ChunkChecksum.Format(stored.Checksum), replaced);
            }
        }
        catch (PosixException ex) when (ex.InnerException is ChecksumMismatchException)
        {
            throw Failed(key, version, url, $"its bytes do not verify: {ex.Message}", badBytes: true, ex);
        }
        catch (ChunkBodyException ex)
        {
            throw Failed(key, version, url, $"the transfer failed: {ex.Message}", badBytes: false, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(key, version, url, ex.Message, badBytes: false, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(key, version, url, $"no complete answer within {TransferTimeout.TotalSeconds:0} s", badBytes: false, ex);
        }
    }

    private RepairSourceException Failed(string key, long version, Uri url, string reason, bool badBytes, Exception? inner = null)
    {
        metrics.Repair(succeeded: false, 0);
        LogRepairFailed(logger, key, version, url, reason);
        return new RepairSourceException($"Cannot repair from {url}: {reason}. The local copy was left as it was.", badBytes, inner);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Repaired chunk {Key} version {Version} from {Source} (replaced a local copy: {Replaced})")]
    private static partial void LogRepaired(ILogger logger, string key, long version, Uri source, bool replaced);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of chunk {Key} version {Version} from {Source} failed: {Reason}")]
    private static partial void LogRepairFailed(ILogger logger, string key, long version, Uri source, string reason);
}
