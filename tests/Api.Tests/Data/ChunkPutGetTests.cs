using System.Net;
using System.Text.Json;
using ReplicaFs.Api.Data;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class ChunkPutGetTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private const int Block = ChunkChecksum.BlockSize;
    private readonly StandaloneDataServer _server = fixture.Server;

    public static TheoryData<int> Lengths => [0, 1, Block - 1, Block, Block + 1, (3 * Block) + 1234, 4 * 1024 * 1024];

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task Put_then_get_returns_the_exact_bytes(int length)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(length, seed: length);

        using var put = await _server.Http.PutChunkAsync(key, 1, data, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var stored = JsonSerializer.Deserialize<StoredChunk>(await put.Content.ReadAsStringAsync(ct), JsonSerializerOptions.Web);
        Assert.Equal(new StoredChunk(key, 1, length, Checksum(data)), stored);
        Assert.Equal(Checksum(data), put.Header(ChunkHeaders.Checksum));
        Assert.Equal("1", put.Header(ChunkHeaders.Version));
        Assert.Equal(length.ToString(System.Globalization.CultureInfo.InvariantCulture), put.Header(ChunkHeaders.Length));

        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}?version=1", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(ChunkHeaders.OctetStream, get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(Checksum(data), get.Header(ChunkHeaders.Checksum));
        Assert.Equal("1", get.Header(ChunkHeaders.Version));
        Assert.Equal(length, long.Parse(get.Header(ChunkHeaders.Length), System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(get.Headers.Contains(ChunkHeaders.Offset));
    }

    [Fact]
    public async Task Get_without_a_version_returns_the_newest()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        foreach (var version in new long[] { 1, 3, 2 })
        {
            await _server.Http.PutNewAsync(key, version, Bytes(100 + (int)version, (int)version), ct);
        }

        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}", UriKind.Relative), ct);
        Assert.Equal("3", get.Header(ChunkHeaders.Version));
        Assert.Equal(Bytes(103, 3), await get.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task Get_of_a_missing_version_is_404_listing_the_stored_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 2, Bytes(10, 1), ct);
        await _server.Http.PutNewAsync(key, 5, Bytes(10, 2), ct);

        using var missingVersion = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}?version=3", UriKind.Relative), ct);
        var problem = await AssertProblemAsync(missingVersion, 404, ct);
        Assert.Equal([2L, 5L], problem.GetProperty("storedVersions").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(2, problem.GetProperty("errno").GetInt32());

        using var missingKey = await _server.Http.GetAsync(new Uri($"/api/chunks/{NewKey()}", UriKind.Relative), ct);
        problem = await AssertProblemAsync(missingKey, 404, ct);
        Assert.Empty(problem.GetProperty("storedVersions").EnumerateArray());
    }

    [Fact]
    public async Task Head_returns_the_headers_without_a_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((2 * Block) + 5, 7);
        await _server.Http.PutNewAsync(key, 4, data, ct);

        using var head = await _server.Api.HeadChunkAsync(key, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("4", head.Header(ChunkHeaders.Version));
        Assert.Equal(Checksum(data), head.Header(ChunkHeaders.Checksum));
        Assert.Equal(data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header(ChunkHeaders.Length));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(ct));

        using var missing = await _server.Api.HeadChunkAsync(key, 5, ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Putting_the_same_version_and_checksum_again_is_200_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(Block + 10, 11);
        await _server.Http.PutNewAsync(key, 1, data, ct);
        var before = Files(_server.DataDir);

        using var again = await _server.Http.PutChunkAsync(key, 1, data, cancellationToken: ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var stored = JsonSerializer.Deserialize<StoredChunk>(await again.Content.ReadAsStringAsync(ct), JsonSerializerOptions.Web);
        Assert.Equal(new StoredChunk(key, 1, data.Length, Checksum(data)), stored);
        Assert.Equal(before, Files(_server.DataDir));
    }

    [Fact]
    public async Task Putting_a_stored_version_with_another_checksum_is_409_and_keeps_the_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var first = Bytes(500, 1);
        var second = Bytes(500, 2);
        await _server.Http.PutNewAsync(key, 1, first, ct);

        using var conflict = await _server.Http.PutChunkAsync(key, 1, second, cancellationToken: ct);
        var problem = await AssertProblemAsync(conflict, 409, ct);
        Assert.Equal(Checksum(first), problem.GetProperty("storedChecksum").GetString());

        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}?version=1", UriKind.Relative), ct);
        Assert.Equal(first, await get.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task A_body_that_does_not_match_its_checksum_is_400_and_nothing_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((2 * Block) + 3, 3);
        var wrong = ChunkChecksum.Format(ChunkChecksum.Compute(data) ^ 1);

        using var put = await _server.Http.PutChunkAsync(key, 1, data, wrong, cancellationToken: ct);
        var problem = await AssertProblemAsync(put, 400, ct);
        Assert.Equal(Checksum(data), problem.GetProperty("computedChecksum").GetString());
        Assert.Equal(22, problem.GetProperty("errno").GetInt32());

        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        var page = await _server.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct);
        Assert.DoesNotContain(page.Chunks, c => c.Key == key);
        Assert.Empty(Files(Path.Combine(_server.DataDir, "tmp")));
        Assert.DoesNotContain(Files(Path.Combine(_server.DataDir, "chunks")), f => f.Contains(key, StringComparison.Ordinal));

        // The right checksum is then accepted as a first write.
        await _server.Http.PutNewAsync(key, 1, data, ct);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcdef0")]
    public async Task A_missing_or_malformed_checksum_header_is_400(string? checksum)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version=1")
        {
            Content = new ByteArrayContent(Bytes(10, 1)),
        };
        request.Content.Headers.ContentType = new(ChunkHeaders.OctetStream);
        if (checksum is not null)
        {
            request.Headers.TryAddWithoutValidation(ChunkHeaders.Checksum, checksum);
        }

        using var response = await _server.Http.SendAsync(request, ct);
        await AssertProblemAsync(response, 400, ct);
        Assert.Empty(Files(Path.Combine(_server.DataDir, "tmp")));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task A_body_that_is_not_an_octet_stream_is_415(string? contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(10, 1);
        using var response = await _server.Http.PutChunkAsync(key, 1, data, contentType: contentType, cancellationToken: ct);
        await AssertProblemAsync(response, 415, ct);
        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_body_announced_larger_than_the_largest_chunk_is_413()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version=1")
        {
            Content = new ZeroContent(DataServerOptions.MaxChunkBytes + 1L, announceLength: true),
        };
        request.Headers.Add(ChunkHeaders.Checksum, "0000000000000000");
        request.Headers.ExpectContinue = true;

        using var response = await _server.Http.SendAsync(request, ct);
        var problem = await AssertProblemAsync(response, 413, ct);
        Assert.Equal(27, problem.GetProperty("errno").GetInt32());
        Assert.Empty(Files(Path.Combine(_server.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_streamed_body_growing_past_the_largest_chunk_is_413_and_nothing_is_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version=1")
        {
            Content = new ZeroContent(DataServerOptions.MaxChunkBytes + 1L, announceLength: false),
        };
        request.Headers.Add(ChunkHeaders.Checksum, "0000000000000000");

        HttpResponseMessage response;
        try
        {
            response = await _server.Http.SendAsync(request, ct);
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending; what matters is what it kept.
            response = new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge);
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Empty(Files(Path.Combine(_server.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_streamed_body_without_content_length_is_stored_compactly()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes((5 * Block) + 99, 5);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version=1")
        {
            Content = new StreamContent(new NonSeekableStream(data)),
        };
        request.Content.Headers.ContentType = new(ChunkHeaders.OctetStream);
        request.Headers.Add(ChunkHeaders.Checksum, Checksum(data));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _server.Http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var get = await _server.Http.GetAsync(new Uri($"/api/chunks/{key}", UriKind.Relative), ct);
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        var file = Directory.EnumerateFiles(Path.Combine(_server.DataDir, "chunks"), $"{key}.*", SearchOption.AllDirectories).Single();
        Assert.Equal(64 + (6 * 8) + data.Length, new FileInfo(file).Length);
    }

    /// <summary>A body of zeros produced on the fly, with or without a Content-Length.</summary>
    private sealed class ZeroContent : HttpContent
    {
        private readonly long _length;
        private readonly bool _announceLength;

        public ZeroContent(long length, bool announceLength)
        {
            _length = length;
            _announceLength = announceLength;
            Headers.ContentType = new(ChunkHeaders.OctetStream);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var buffer = new byte[256 * 1024];
            for (var sent = 0L; sent < _length; sent += buffer.Length)
            {
                await stream.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _length - sent)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return _announceLength;
        }
    }

    /// <summary>A stream that hides its length, so the client sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
