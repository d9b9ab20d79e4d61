using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Client.Tests.Fakes;

/// <summary>How a fake data server misbehaves.</summary>
internal enum FakeFault
{
    /// <summary>Works.</summary>
    None = 0,

    /// <summary>Connection refused.</summary>
    Down = 1,

    /// <summary>Never answers (until the call is cancelled).</summary>
    Hung = 2,

    /// <summary>Answers 503, like a crashed data server.</summary>
    Crashed = 3,
}

/// <summary>
/// An in-memory data server behind the Refit <see cref="IDataServerApi"/> contract, for unit tests of the quorum
/// engine: it verifies PUTs against their checksum, serves full and block-aligned range reads with the block-hash
/// headers, recomputes digests from the stored bytes, repairs from a peer, and can be broken in every way a real one
/// can (down, hung, crashed, corrupted bytes, serving bad bytes, slow acknowledgements).
/// </summary>
internal sealed class FakeDataServer(int serverId, string url, Func<string, FakeDataServer?> peers) : IDataServerApi
{
    private readonly ConcurrentDictionary<(string Key, long Version), Stored> _store = new();

    public int ServerId { get; } = serverId;

    public string Url { get; } = url;

    public FakeFault Fault { get; set; }

    /// <summary>GET bodies get a flipped byte although the stored bytes (and digest) are fine.</summary>
    public bool ServeBadBytes { get; set; }

    /// <summary>Delay before a PUT is acknowledged.</summary>
    public TimeSpan PutDelay { get; set; }

    /// <summary>Delay before a digest answer.</summary>
    public TimeSpan DigestDelay { get; set; }

    public ConcurrentQueue<string> GetLog { get; } = new();

    public int Puts;
    public int Gets;
    public int RangeGets;
    public int Digests;
    public int RangeDigests;
    public int Repairs;

    /// <summary>Whether a version of a chunk is stored.</summary>
    public bool Has(long chunkId, long version) => _store.ContainsKey((ChunkKey.FromId(chunkId), version));

    /// <summary>The stored bytes of a chunk version.</summary>
    public byte[]? Bytes(long chunkId, long version) => _store.TryGetValue((ChunkKey.FromId(chunkId), version), out var s) ? s.Bytes : null;

    /// <summary>Flips bytes of a stored chunk version without fixing its recorded checksum.</summary>
    public void Corrupt(long chunkId, long version, int offset = -1)
    {
        var stored = _store[(ChunkKey.FromId(chunkId), version)];
        var at = offset >= 0 ? offset : stored.Bytes.Length / 2;
        stored.Bytes[at] ^= 0xFF;
    }

    /// <summary>Forgets a chunk version.</summary>
    public void Delete(long chunkId, long version) => _store.TryRemove((ChunkKey.FromId(chunkId), version), out _);

    /// <summary>Forgets everything (came back empty).</summary>
    public void Wipe() => _store.Clear();

    /// <summary>Stores a version directly (test setup).</summary>
    public void Put(long chunkId, long version, byte[] bytes) => Store(ChunkKey.FromId(chunkId), version, bytes);

    public async Task<HttpResponseMessage> PutChunkAsync(string key, long version, string checksum, HttpContent content, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        if (PutDelay > TimeSpan.Zero)
        {
            await Task.Delay(PutDelay, cancellationToken);
        }

        Interlocked.Increment(ref Puts);
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        if (ChunkChecksum.Format(ChunkChecksum.Compute(bytes)) != checksum)
        {
            return Problem(HttpStatusCode.BadRequest, "The body does not match the checksum.");
        }

        var existed = _store.ContainsKey((key, version));
        Store(key, version, bytes);
        return new HttpResponseMessage(existed ? HttpStatusCode.OK : HttpStatusCode.Created);
    }

    public async Task<HttpResponseMessage> GetChunkAsync(string key, long? version = null, long? offset = null, long? length = null, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        Interlocked.Increment(ref Gets);
        GetLog.Enqueue($"{key}@{version} {offset}+{length}");
        var stored = Find(key, version);
        if (stored is null)
        {
            return Problem(HttpStatusCode.NotFound, "No such chunk version.");
        }

        byte[] body;
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (offset is { } o)
        {
            Interlocked.Increment(ref RangeGets);
            if (o % ChunkChecksum.BlockSize != 0 || length is not { } l || l <= 0 || o > stored.Bytes.Length)
            {
                return Problem(HttpStatusCode.BadRequest, "The range is not block-aligned.");
            }

            var end = (int)Math.Min(o + l, stored.Bytes.Length);
            body = stored.Bytes[(int)o..end];
            response.Headers.Add(ChunkHeaders.Offset, o.ToString(CultureInfo.InvariantCulture));
            response.Headers.Add(ChunkHeaders.BlockHashes, ChunkChecksum.FormatBlockHashes(stored.BlockHashes));
        }
        else
        {
            body = (byte[])stored.Bytes.Clone();
        }

        if (ServeBadBytes && body.Length > 0)
        {
            body = (byte[])body.Clone();
            body[body.Length / 2] ^= 0x55;
        }

        response.Headers.Add(ChunkHeaders.Version, stored.Version.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.Length, stored.Bytes.Length.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.Checksum, stored.RecordedChecksum);
        response.Content = new ByteArrayContent(body);
        return response;
    }

    public async Task<HttpResponseMessage> HeadChunkAsync(string key, long? version = null, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        var stored = Find(key, version);
        if (stored is null)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.Add(ChunkHeaders.Version, stored.Version.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.Length, stored.Bytes.Length.ToString(CultureInfo.InvariantCulture));
        response.Headers.Add(ChunkHeaders.Checksum, stored.RecordedChecksum);
        return response;
    }

    public async Task<HttpResponseMessage> DeleteChunkAsync(string key, long? version = null, long? below = null, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        foreach (var stored in _store.Keys.Where(k => k.Key == key && (version is null || k.Version == version) && (below is null || k.Version < below)).ToList())
        {
            _store.TryRemove(stored, out _);
        }

        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    public async Task<ChunkDigest> GetDigestAsync(string key, long? version = null, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        if (DigestDelay > TimeSpan.Zero)
        {
            await Task.Delay(DigestDelay, cancellationToken);
        }

        Interlocked.Increment(ref Digests);
        var stored = Find(key, version) ?? throw await NotFoundAsync(key);
        var actual = ChunkChecksum.Format(ChunkChecksum.Compute(stored.Bytes));
        return new ChunkDigest(key, stored.Version, stored.Bytes.Length, actual, stored.RecordedChecksum, actual == stored.RecordedChecksum);
    }

    /// <summary>The fake verifies every byte for a ranged digest too (stricter than a real server, which re-hashes only the range).</summary>
    public Task<ChunkDigest> GetRangeDigestAsync(string key, long? version, long? offset, long? length, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref RangeDigests);
        return GetDigestAsync(key, version, cancellationToken);
    }

    public Task<StoredChunkPage> ListChunksAsync(string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public async Task<RepairResult> RepairAsync(string key, RepairRequest request, CancellationToken cancellationToken = default)
    {
        await FaultAsync(cancellationToken);
        Interlocked.Increment(ref Repairs);
        var source = peers(request.SourceUrl) ?? throw new InvalidOperationException($"No peer at {request.SourceUrl}.");
        var bytes = source.Find(key, request.Version)?.Bytes ?? throw await NotFoundAsync(key);
        if (ChunkChecksum.Format(ChunkChecksum.Compute(bytes)) != request.Checksum)
        {
            throw new InvalidOperationException("The source's copy does not match the checksum.");
        }

        var replaced = _store.ContainsKey((key, request.Version));
        Store(key, request.Version, (byte[])bytes.Clone());
        return new RepairResult(key, request.Version, bytes.Length, request.Checksum, replaced);
    }

    public Task<DataServerStatus> GetStatusAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private void Store(string key, long version, byte[] bytes)
    {
        var hashes = new ulong[ChunkChecksum.BlockCount(bytes.Length)];
        ChunkChecksum.HashBlocks(bytes, hashes);
        _store[(key, version)] = new Stored(version, bytes, ChunkChecksum.Format(ChunkChecksum.Root(hashes)), hashes);
    }

    private Stored? Find(string key, long? version)
    {
        if (version is { } v)
        {
            return _store.GetValueOrDefault((key, v));
        }

        return _store.Where(e => e.Key.Key == key).OrderByDescending(e => e.Key.Version).Select(e => e.Value).FirstOrDefault();
    }

    private async Task FaultAsync(CancellationToken cancellationToken)
    {
        switch (Fault)
        {
            case FakeFault.Down:
                throw new HttpRequestException("Connection refused (fake)");
            case FakeFault.Hung:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
            case FakeFault.Crashed:
                throw await ApiException.Create(new HttpRequestMessage(HttpMethod.Get, Url), HttpMethod.Get, Problem(HttpStatusCode.ServiceUnavailable, "crashed"), new RefitSettings());
        }
    }

    private async Task<ApiException> NotFoundAsync(string key) =>
        await ApiException.Create(new HttpRequestMessage(HttpMethod.Get, $"{Url}/api/chunks/{key}"), HttpMethod.Get, Problem(HttpStatusCode.NotFound, "No such chunk version."), new RefitSettings());

    private static HttpResponseMessage Problem(HttpStatusCode status, string detail) => new(status)
    {
        Content = new StringContent($"{{\"title\":\"{status}\",\"status\":{(int)status},\"detail\":\"{detail}\"}}", Encoding.UTF8, "application/problem+json"),
    };

    private sealed record Stored(long Version, byte[] Bytes, string RecordedChecksum, ulong[] BlockHashes);
}
