using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>Bad keys and versions: a clear 400 and nothing written anywhere. Uses a server of its own so that its data directory stays empty.</summary>
public sealed class ChunkRequestValidationTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private readonly StandaloneDataServer _server = fixture.Server;

    /// <summary>Keys as they appear in the URL path (already escaped).</summary>
    public static TheoryData<string> BadPathKeys =>
    [
        "..%2F..%2Fescape",
        "a%2Fb",
        "%2Fetc%2Fpasswd",
        "%2Ftmp%2Fescape",
        "..%5C..%5Cescape",
        new string('a', ChunkKey.MaxLength + 1),
        "-leading-dash",
        "_leading-underscore",
        "with.dot",
        "with%20space",
        "%C3%A9t%C3%A9",
    ];

    [Theory]
    [MemberData(nameof(BadPathKeys))]
    public async Task Every_chunk_endpoint_rejects_a_bad_key_with_400(string key)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = FilesOutsideTheDataDirectory();
        var data = Bytes(10, 1);
        var requests = new Func<HttpRequestMessage>[]
        {
            () => new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version=1")
            {
                Content = new ByteArrayContent(data) { Headers = { ContentType = new(ChunkHeaders.OctetStream) } },
                Headers = { { ChunkHeaders.Checksum, Checksum(data) } },
            },
            () => new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{key}"),
            () => new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{key}?offset=0&length=10"),
            () => new HttpRequestMessage(HttpMethod.Head, $"/api/chunks/{key}"),
            () => new HttpRequestMessage(HttpMethod.Delete, $"/api/chunks/{key}"),
            () => new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{key}/digest"),
            () => new HttpRequestMessage(HttpMethod.Post, $"/api/chunks/{key}/repair")
            {
                Content = JsonContent.Create(new RepairRequest(1, Checksum(data), _server.Url.ToString())),
            },
        };

        foreach (var create in requests)
        {
            using var request = create();
            using var response = await _server.Http.SendAsync(request, ct);
            if (request.Method == HttpMethod.Head)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }
            else
            {
                var problem = await AssertProblemAsync(response, 400, ct);
                Assert.Equal(22, problem.GetProperty("errno").GetInt32());
            }
        }

        Assert.Empty(Files(Path.Combine(_server.DataDir, "chunks")));
        Assert.Empty(Files(Path.Combine(_server.DataDir, "tmp")));
        Assert.Equal(before, FilesOutsideTheDataDirectory());
    }

    [Theory]
    [InlineData("..")]
    [InlineData("%2E%2E")]
    [InlineData("nul%00byte")]
    [InlineData("../../escape")]
    public async Task Keys_that_kestrel_rejects_or_normalises_never_reach_the_store(string rawKey)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = FilesOutsideTheDataDirectory();

        // HttpClient would normalise these, so the request goes out as raw bytes; Kestrel answers 400 or routes elsewhere (404).
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _server.Port, ct);
        var stream = tcp.GetStream();
        var request = $"PUT /api/chunks/{rawKey}?version=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n" +
            $"{ChunkHeaders.Checksum}: {Checksum([1, 2, 3])}\r\nContent-Length: 3\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request).Concat(new byte[] { 1, 2, 3 }).ToArray(), ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(ct);

        Assert.NotNull(statusLine);
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(status, 400, 499);
        Assert.Empty(Files(Path.Combine(_server.DataDir, "chunks")));
        Assert.Equal(before, FilesOutsideTheDataDirectory());
    }

    [Theory]
    [InlineData("")]
    [InlineData("version=0")]
    [InlineData("version=-1")]
    [InlineData("version=abc")]
    [InlineData("version=9223372036854775808")]
    public async Task A_put_without_a_valid_version_is_400(string query)
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Bytes(10, 1);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{NewKey()}?{query}")
        {
            Content = new ByteArrayContent(data) { Headers = { ContentType = new(ChunkHeaders.OctetStream) } },
        };
        request.Headers.Add(ChunkHeaders.Checksum, Checksum(data));
        using var response = await _server.Http.SendAsync(request, ct);
        await AssertProblemAsync(response, 400, ct);
        Assert.Empty(Files(Path.Combine(_server.DataDir, "chunks")));
    }

    [Theory]
    [InlineData("GET", "version=0")]
    [InlineData("GET", "version=-3")]
    [InlineData("HEAD", "version=0")]
    [InlineData("DELETE", "version=0")]
    [InlineData("DELETE", "below=0")]
    [InlineData("DELETE", "version=1&below=2")]
    public async Task Other_endpoints_reject_bad_versions_with_400(string method, string query)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/chunks/{NewKey()}?{query}");
        using var response = await _server.Http.SendAsync(request, ct);
        if (method == "HEAD")
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        else
        {
            await AssertProblemAsync(response, 400, ct);
        }
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=10001")]
    [InlineData("after=..")]
    [InlineData("after=a.b")]
    [InlineData("after=a.0")]
    [InlineData("after=-x")]
    public async Task The_list_rejects_bad_limits_and_cursors_with_400(string query)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _server.Http.GetAsync(new Uri($"/api/chunks?{query}", UriKind.Relative), ct);
        await AssertProblemAsync(response, 400, ct);
    }

    /// <summary>Files a key could have escaped to: beside the data directory, and anything named like the escape attempts nearby.</summary>
    private string[] FilesOutsideTheDataDirectory()
    {
        var besideDataDir = Files(_server.Root).Where(f => !f.StartsWith("data/", StringComparison.Ordinal) && !f.EndsWith(".log", StringComparison.Ordinal));
        var escaped = new[] { Path.GetDirectoryName(_server.Root)!, Path.GetTempPath() }
            .SelectMany(d => Directory.EnumerateFiles(d, "*escape*", SearchOption.TopDirectoryOnly));
        return [.. besideDataDir.Concat(escaped)];
    }
}
