using System.Net;
using System.Net.Http.Json;
using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Testing;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class ChunkDigestAndRepairTests(TwoDataServersFixture fixture) : IClassFixture<TwoDataServersFixture>
{
    private readonly StandaloneDataServer _target = fixture.First;
    private readonly StandaloneDataServer _source = fixture.Second;

    [Fact]
    public async Task The_digest_of_a_sound_copy_is_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((3 * ChunkChecksum.BlockSize) + 17, 1);
        await _target.Http.PutNewAsync(key, 2, data, ct);

        var digest = await _target.Api.GetDigestAsync(key, 2, ct);
        Assert.Equal(new ChunkDigest(key, 2, data.Length, Checksum(data), Checksum(data), true), digest);
        Assert.Equal(digest, await _target.Api.GetDigestAsync(key, cancellationToken: ct));
    }

    [Fact]
    public async Task A_range_digest_rehashes_the_blocks_of_the_range_and_catches_corruption_inside_it_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((4 * ChunkChecksum.BlockSize) + 300, 3);
        await _target.Http.PutNewAsync(key, 1, data, ct);
        var sound = new ChunkDigest(key, 1, data.Length, Checksum(data), Checksum(data), true);
        Assert.Equal(sound, await _target.Api.GetRangeDigestAsync(key, 1, ChunkChecksum.BlockSize + 10, 4096, ct));

        // Bytes flipped in block 2: a range over block 1 does not read them, a range over block 2 (or the full digest) does.
        await _target.Faults.CorruptAsync(new CorruptRequest(key, 1, Offset: (2 * ChunkChecksum.BlockSize) + 7, Count: 4), ct);
        Assert.Equal(sound, await _target.Api.GetRangeDigestAsync(key, 1, ChunkChecksum.BlockSize, 4096, ct));
        var inside = await _target.Api.GetRangeDigestAsync(key, 1, (2 * ChunkChecksum.BlockSize) + 4096, 4096, ct);
        Assert.False(inside.Intact);
        Assert.Equal(Checksum(data), inside.RecordedChecksum);
        Assert.Equal((await _target.Api.GetDigestAsync(key, 1, ct)).Checksum, inside.Checksum);

        // A range across the block boundary reads both blocks; one past the end is refused like a GET's.
        Assert.False((await _target.Api.GetRangeDigestAsync(key, 1, (2 * ChunkChecksum.BlockSize) - 10, 20, ct)).Intact);
        using var beyond = await _target.Http.GetAsync(new Uri($"/api/chunks/{key}/digest?version=1&offset={data.Length + 1}", UriKind.Relative), ct);
        await AssertProblemAsync(beyond, 416, ct);
        using var negative = await _target.Http.GetAsync(new Uri($"/api/chunks/{key}/digest?version=1&offset=-1", UriKind.Relative), ct);
        await AssertProblemAsync(negative, 400, ct);
    }

    [Fact]
    public async Task The_digest_of_an_empty_chunk_is_intact()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _target.Http.PutNewAsync(key, 1, [], ct);
        var digest = await _target.Api.GetDigestAsync(key, 1, ct);
        Assert.True(digest.Intact);
        Assert.Equal(Checksum([]), digest.Checksum);
    }

    [Fact]
    public async Task The_digest_of_a_missing_chunk_is_404()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _target.Http.GetAsync(new Uri($"/api/chunks/{NewKey()}/digest?version=1", UriKind.Relative), ct);
        await AssertProblemAsync(response, 404, ct);
    }

    [Fact]
    public async Task A_corrupted_copy_keeps_its_recorded_checksum_and_the_digest_and_the_reader_detect_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((2 * ChunkChecksum.BlockSize) + 100, 2);
        await _target.Http.PutNewAsync(key, 1, data, ct);

        var corrupt = await _target.Faults.CorruptAsync(new CorruptRequest(key, 1, Offset: ChunkChecksum.BlockSize + 5, Count: 8), ct);
        Assert.Equal(new CorruptResult(key, 1, ChunkChecksum.BlockSize + 5, 8), corrupt);

        var digest = await _target.Api.GetDigestAsync(key, 1, ct);
        Assert.False(digest.Intact);
        Assert.Equal(Checksum(data), digest.RecordedChecksum);
        Assert.NotEqual(Checksum(data), digest.Checksum);

        // The server still announces the old checksum; the bytes it sends no longer hash to it.
        using var get = await _target.Http.GetAsync(new Uri($"/api/chunks/{key}?version=1", UriKind.Relative), ct);
        Assert.Equal(Checksum(data), get.Header(ChunkHeaders.Checksum));
        var bytes = await get.Content.ReadAsByteArrayAsync(ct);
        Assert.NotEqual(Checksum(data), Checksum(bytes));
        var expected = (byte[])data.Clone();
        for (var i = 0; i < 8; i++)
        {
            expected[ChunkChecksum.BlockSize + 5 + i] ^= 0xFF;
        }

        Assert.Equal(expected, bytes);

        // A range read of the damaged block fails its block hash; the others still verify.
        using var range = await _target.Api.GetChunkAsync(key, 1, 0, data.Length, ct);
        Assert.True(ChunkChecksum.TryParseBlockHashes(range.Header(ChunkHeaders.BlockHashes), out var hashes));
        var body = await range.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal(hashes[0], ChunkChecksum.HashBlock(body.AsSpan(0, ChunkChecksum.BlockSize)));
        Assert.NotEqual(hashes[1], ChunkChecksum.HashBlock(body.AsSpan(ChunkChecksum.BlockSize, ChunkChecksum.BlockSize)));
    }

    [Fact]
    public async Task Corrupting_without_an_offset_flips_bytes_in_the_middle_of_the_newest_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _target.Http.PutNewAsync(key, 1, Bytes(1000, 1), ct);
        await _target.Http.PutNewAsync(key, 2, Bytes(1000, 2), ct);

        var result = await _target.Faults.CorruptAsync(new CorruptRequest(key), ct);
        Assert.Equal(new CorruptResult(key, 2, 500, 16), result);
        Assert.True((await _target.Api.GetDigestAsync(key, 1, ct)).Intact);
        Assert.False((await _target.Api.GetDigestAsync(key, 2, ct)).Intact);
    }

    [Fact]
    public async Task Corrupting_a_missing_chunk_is_404()
    {
        var ct = TestContext.Current.CancellationToken;
        var error = await Assert.ThrowsAnyAsync<ApiException>(() => _target.Faults.CorruptAsync(new CorruptRequest(NewKey()), ct));
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Repair_from_a_second_server_replaces_a_corrupted_copy()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((4 * ChunkChecksum.BlockSize) + 3, 3);
        await _target.Http.PutNewAsync(key, 5, data, ct);
        await _source.Http.PutNewAsync(key, 5, data, ct);
        await _target.Faults.CorruptAsync(new CorruptRequest(key, 5, Count: 100), ct);
        Assert.False((await _target.Api.GetDigestAsync(key, 5, ct)).Intact);

        var result = await _target.Api.RepairAsync(key, new RepairRequest(5, Checksum(data), _source.Url.ToString()), ct);

        Assert.Equal(new RepairResult(key, 5, data.Length, Checksum(data), Replaced: true), result);
        Assert.Equal(new ChunkDigest(key, 5, data.Length, Checksum(data), Checksum(data), true), await _target.Api.GetDigestAsync(key, 5, ct));
        using var get = await _target.Api.GetChunkAsync(key, 5, cancellationToken: ct);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        Assert.Empty(Files(Path.Combine(_target.DataDir, "tmp")));
    }

    [Fact]
    public async Task Repair_of_a_version_the_server_lacks_pulls_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(777, 4);
        await _source.Http.PutNewAsync(key, 1, data, ct);

        var result = await _target.Api.RepairAsync(key, new RepairRequest(1, Checksum(data), _source.Url.ToString().TrimEnd('/')), ct);

        Assert.False(result.Replaced);
        Assert.True((await _target.Api.GetDigestAsync(key, 1, ct)).Intact);
        var page = await _target.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct);
        Assert.Contains(new StoredChunk(key, 1, data.Length, Checksum(data)), page.Chunks);
    }

    [Fact]
    public async Task Repair_from_a_source_with_corrupted_bytes_fails_and_leaves_the_local_copy_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((2 * ChunkChecksum.BlockSize) + 9, 5);
        await _target.Http.PutNewAsync(key, 1, data, ct);
        await _source.Http.PutNewAsync(key, 1, data, ct);
        await _target.Faults.CorruptAsync(new CorruptRequest(key, 1, Offset: 10, Count: 4), ct);
        await _source.Faults.CorruptAsync(new CorruptRequest(key, 1, Offset: 20, Count: 4), ct);
        var before = await ReadStoredFileAsync(_target, key, 1, ct);

        using var response = await _target.Http.PostAsJsonAsync(
            new Uri($"/api/chunks/{key}/repair", UriKind.Relative), new RepairRequest(1, Checksum(data), _source.Url.ToString()), ct);

        var problem = await AssertProblemAsync(response, 502, ct);
        Assert.Equal(5, problem.GetProperty("errno").GetInt32());
        Assert.Equal(before, await ReadStoredFileAsync(_target, key, 1, ct));
        Assert.Empty(Files(Path.Combine(_target.DataDir, "tmp")));
    }

    [Fact]
    public async Task Repair_fails_with_502_when_the_source_lacks_the_version_holds_another_checksum_or_is_unreachable()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(3000, 6);
        var other = Bytes(3000, 7);
        await _target.Http.PutNewAsync(key, 1, data, ct);
        await _source.Http.PutNewAsync(key, 2, other, ct);
        var before = await ReadStoredFileAsync(_target, key, 1, ct);
        var nobody = $"http://127.0.0.1:{FreePorts.Next()}";

        foreach (var request in new[]
        {
            new RepairRequest(1, Checksum(data), _source.Url.ToString()),
            new RepairRequest(2, Checksum(data), _source.Url.ToString()),
            new RepairRequest(1, Checksum(data), nobody),
        })
        {
            using var response = await _target.Http.PostAsJsonAsync(new Uri($"/api/chunks/{key}/repair", UriKind.Relative), request, ct);
            await AssertProblemAsync(response, 502, ct);
        }

        Assert.Equal(before, await ReadStoredFileAsync(_target, key, 1, ct));
        Assert.Equal([1L], (await _target.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct)).Chunks.Where(c => c.Key == key).Select(c => c.Version));
    }

    [Theory]
    [InlineData(0, "0000000000000000", "http://127.0.0.1:1")]
    [InlineData(1, "nothex", "http://127.0.0.1:1")]
    [InlineData(1, "0000000000000000", "ftp://127.0.0.1/")]
    [InlineData(1, "0000000000000000", "/relative/url")]
    [InlineData(1, "0000000000000000", "http://127.0.0.1:1/?q=1")]
    public async Task Repair_requests_with_a_bad_version_checksum_or_source_are_400(long version, string checksum, string source)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _target.Http.PostAsJsonAsync(
            new Uri($"/api/chunks/{NewKey()}/repair", UriKind.Relative), new RepairRequest(version, checksum, source), ct);
        await AssertProblemAsync(response, 400, ct);
    }

    private static Task<byte[]> ReadStoredFileAsync(StandaloneDataServer server, string key, long version, CancellationToken ct) =>
        File.ReadAllBytesAsync(
            Directory.EnumerateFiles(Path.Combine(server.DataDir, "chunks"), $"{key}.{version:x16}.chunk", SearchOption.AllDirectories).Single(), ct);
}
