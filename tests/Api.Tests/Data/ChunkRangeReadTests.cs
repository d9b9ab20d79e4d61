using System.Globalization;
using System.Net;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class ChunkRangeReadTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private const int Block = ChunkChecksum.BlockSize;
    private const int Length = (5 * Block) + 777;
    private readonly StandaloneDataServer _server = fixture.Server;

    public static TheoryData<long?, long?> Ranges => new()
    {
        { 0, 1 },
        { 1, Block },
        { Block - 1, 2 },
        { 2 * Block, Block },
        { (2 * Block) + 10, (2 * Block) + 10 },
        { 5 * Block, 777 },
        { (5 * Block) + 700, 10_000 },
        { 3 * Block, null },
        { null, 100 },
        { Length, 5 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public async Task A_range_read_returns_whole_blocks_that_verify_against_the_checksum(long? offset, long? length)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(Length, 99);
        var checksum = ChunkChecksum.Compute(data);
        await _server.Http.PutNewAsync(key, 3, data, ct);

        using var response = await _server.Api.GetChunkAsync(key, 3, offset, length, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var start = long.Parse(response.Header(ChunkHeaders.Offset), CultureInfo.InvariantCulture);
        Assert.Equal(Length, long.Parse(response.Header(ChunkHeaders.Length), CultureInfo.InvariantCulture));
        Assert.Equal(ChunkChecksum.Format(checksum), response.Header(ChunkHeaders.Checksum));

        // What a reader does: the block hashes must hash to the committed checksum, and each block to its hash.
        Assert.True(ChunkChecksum.TryParseBlockHashes(response.Header(ChunkHeaders.BlockHashes), out var hashes));
        Assert.Equal(ChunkChecksum.BlockCount(Length), hashes.Length);
        Assert.Equal(checksum, ChunkChecksum.Root(hashes));
        Assert.Equal(0, start % Block);
        for (var at = 0; at < body.Length; at += Block)
        {
            var block = body.AsSpan(at, Math.Min(Block, body.Length - at));
            Assert.Equal(hashes[(start + at) / Block], ChunkChecksum.HashBlock(block));
        }

        // The body is the stored bytes and covers the requested range.
        Assert.Equal(data.AsSpan((int)start, body.Length).ToArray(), body);
        var wantedStart = offset ?? 0;
        var wantedEnd = Math.Min(Length, wantedStart + (length ?? Length));
        Assert.True(start <= wantedStart);
        Assert.True(start + body.Length >= wantedEnd);
        Assert.True(body.Length % Block == 0 || start + body.Length == Length);
    }

    [Fact]
    public async Task A_zero_length_range_returns_no_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, Bytes(Length, 1), ct);
        using var response = await _server.Api.GetChunkAsync(key, 1, Block + 5, 0, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(Block.ToString(CultureInfo.InvariantCulture), response.Header(ChunkHeaders.Offset));
    }

    [Fact]
    public async Task A_range_of_an_empty_chunk_is_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, [], ct);
        using var response = await _server.Api.GetChunkAsync(key, 1, 0, 100, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(string.Empty, response.Header(ChunkHeaders.BlockHashes));
    }

    [Fact]
    public async Task An_offset_beyond_the_end_is_416()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, Bytes(1000, 1), ct);
        using var response = await _server.Api.GetChunkAsync(key, 1, 1001, 10, ct);
        await AssertProblemAsync(response, 416, ct);
    }

    [Theory]
    [InlineData("offset=-1")]
    [InlineData("length=-5")]
    [InlineData("offset=10&length=9223372036854775807")]
    [InlineData("offset=abc")]
    [InlineData("length=99999999999999999999")]
    public async Task Negative_overflowing_or_malformed_ranges_are_400(string query)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, Bytes(1000, 1), ct);
        using var response = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}?{query}", UriKind.Relative), ct);
        await AssertProblemAsync(response, 400, ct);
    }
}
