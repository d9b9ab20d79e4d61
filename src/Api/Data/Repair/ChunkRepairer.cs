using System.Globalization;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Repair;

/// <summary>
/// Repairs a local chunk version from a peer: pulls the bytes, verifies them against the committed checksum on the
/// way to disk and only then atomically replaces the local copy. Any failure of the source leaves the local copy as it was.
/// </summary>
internal sealed partial class ChunkRepairer(IHttpClientFactory clients, ChunkStore store, DataServerMetrics metrics, ILogger<ChunkRepairer> logger)
{
    /// <summary>Name of the HTTP client used to talk to peers.</summary>
    public const string PeerClient = "peers";

    /// <summary>Longest time one transfer may take.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Repairs version <c>request.Version</c> of <paramref name="key"/> from <c>request.SourceUrl</c>.</summary>
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

        if (!Uri.TryCreate(request.SourceUrl, UriKind.Absolute, out var source)
            || (source.Scheme != Uri.UriSchemeHttp && source.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(source.Query) || !string.IsNullOrEmpty(source.Fragment) || !string.IsNullOrEmpty(source.UserInfo))
        {
            throw new PosixException(Errno.EINVAL, $"'sourceUrl' must be an absolute http:// or https:// base URL (got '{request.SourceUrl}').");
        }

        var baseUrl = source.AbsoluteUri.EndsWith('/') ? source : new Uri(source.AbsoluteUri + "/");
        var url = new Uri(baseUrl, $"api/chunks/{key}?version={request.Version.ToString(CultureInfo.InvariantCulture)}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TransferTimeout);
        try
        {
            var client = clients.CreateClient(PeerClient);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw SourceFailed(url, $"it answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Headers.TryGetValues(ChunkHeaders.Checksum, out var values) && values.FirstOrDefault() is { } announced
                && announced != request.Checksum)
            {
                throw SourceFailed(url, $"it holds checksum {announced} for version {request.Version}, not {request.Checksum}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var (stored, replaced) = await store.ReplaceAsync(key, request.Version, checksum, body, response.Content.Headers.ContentLength, timeout.Token);
            metrics.Repair(succeeded: true, stored.Length);
            LogRepaired(logger, key, request.Version, url, replaced);
            return new RepairResult(key, stored.Version, stored.Length, ChunkChecksum.Format(stored.Checksum), replaced);
        }
        catch (PosixException ex) when (ex.Errno == Errno.EIO)
        {
            metrics.Repair(succeeded: false, 0);
            LogRepairFailed(logger, key, request.Version, url, ex.Message);
            throw;
        }
        catch (ChunkBodyException ex)
        {
            throw Failed(key, request.Version, url, $"the transfer failed: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(key, request.Version, url, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(key, request.Version, url, $"no complete answer within {TransferTimeout.TotalSeconds:0} s", ex);
        }
    }

    private static PosixException SourceFailed(Uri url, string reason) =>
        new(Errno.EIO, $"Cannot repair from {url}: {reason}. The local copy was left as it was.");

    private PosixException Failed(string key, long version, Uri url, string reason, Exception inner)
    {
        metrics.Repair(succeeded: false, 0);
        LogRepairFailed(logger, key, version, url, reason);
        return new PosixException(Errno.EIO, $"Cannot repair from {url}: {reason}. The local copy was left as it was.", inner);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Repaired chunk {Key} version {Version} from {Source} (replaced a local copy: {Replaced})")]
    private static partial void LogRepaired(ILogger logger, string key, long version, Uri source, bool replaced);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of chunk {Key} version {Version} from {Source} failed: {Reason}")]
    private static partial void LogRepairFailed(ILogger logger, string key, long version, Uri source, string reason);
}
