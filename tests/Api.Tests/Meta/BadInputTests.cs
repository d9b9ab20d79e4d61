using System.Net;
using System.Text;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Malformed requests get a 4xx ProblemDetails and change nothing.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class BadInputTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private readonly HttpClient _http = fixture.Cluster.Http;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?, string?> Requests => new()
    {
        // method, path (with {dir}), content type, body
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "x", "mode": 420""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "x", "mode": "rw"}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "x", "uid": -1}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """[1, 2, 3]""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", null },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"mode": 420}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "text/plain", """{"name": "x"}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "a/b"}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "a\u0000b"}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "."}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", $$"""{"name": "{{new string('n', 256)}}"}""" },
        { "POST", "/api/fs/inodes/{dir}/files", "application/json", """{"name": "lone \ud800 surrogate"}""" },
        { "POST", "/api/fs/inodes/abc/files", "application/json", """{"name": "x"}""" },
        { "POST", "/api/fs/inodes/{dir}/directories", "application/json", """{"name": ""}""" },
        { "POST", "/api/fs/inodes/{dir}/symlinks", "application/json", """{"name": "s"}""" },
        { "POST", "/api/fs/inodes/{dir}/links", "application/json", """{"name": "l", "ino": "one"}""" },
        { "POST", "/api/fs/rename", "application/json", """{"parent": 1, "name": "x", "newParent": 1}""" },
        { "POST", "/api/fs/rename", "application/json", """{"parent": 1, "name": "x", "newParent": 1, "newName": "y", "mode": "Sideways"}""" },
        { "PATCH", "/api/fs/inodes/{dir}", "application/json", """{"size": -5}""" },
        { "PATCH", "/api/fs/inodes/{dir}", "application/json", """{"mtime": {"sec": 1, "nsec": 1000000000}}""" },
        { "PATCH", "/api/fs/inodes/{dir}", "application/json", """{"mode": "0755"}""" },
        { "PATCH", "/api/fs/inodes/x1", "application/json", """{}""" },
        { "DELETE", "/api/fs/inodes/{dir}/entries", null, null },
        { "DELETE", "/api/fs/inodes/{dir}/entries?name=x&keepOrphan=perhaps", null, null },
        { "GET", "/api/fs/inodes/{dir}/entries?limit=ten", null, null },
        { "GET", "/api/fs/inodes/{dir}/lookup", null, null },
        { "GET", "/api/fs/inodes/99999999999999999999", null, null },
        { "GET", "/api/fs/resolve?path=no/slash", null, null },
        { "PUT", "/api/fs/inodes/{dir}/xattrs/value?name=user.x&mode=Sometimes", "application/octet-stream", "v" },
        { "POST", "/api/fs/inodes/{dir}/leases", "application/json", """{"indexes": [-1]}""" },
        { "GET", "/api/fs/inodes/{dir}/chunks?count=0", null, null },
        { "GET", "/api/chunks/not-a-number", null, null },
        { "POST", "/api/cluster/servers", "application/json", """{"url": "ftp://example.org", "instanceId": "i", "stats": {}}""" },
        { "POST", "/api/cluster/servers", "application/json", """{"url": "http://127.0.0.1:1", "instanceId": "", "stats": {}}""" },
        { "POST", "/api/cluster/servers/x/heartbeat", "application/json", """{"instanceId": "i", "stats": {}}""" },
        { "GET", "/api/cluster/servers/one", null, null },
        { "GET", "/api/events?after=-1", null, null },
        { "GET", "/api/events?kind=Replica", null, null },
        { "POST", "/api/events", "application/json", """{"kind": "Bad Kind", "severity": "Info", "message": "m", "source": "s"}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Bad_requests_get_a_4xx_problem_and_write_nothing(string method, string path, string? contentType, string? body)
    {
        var dir = await _api.NewTestDirectoryAsync();
        var before = await SnapshotAsync(dir.Ino);

        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Cluster.MetaUrl, path.Replace("{dir}", dir.Ino.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        if (body is not null || contentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? string.Empty));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new(contentType);
            }
        }

        using var response = await _http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{method} {path} answered {status}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":" + status, text, StringComparison.Ordinal);
        if (status == 400)
        {
            Assert.Contains("\"errno\":", text, StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync(dir.Ino));
    }

    [Fact]
    public async Task Unknown_inodes_are_ENOENT_everywhere()
    {
        const long Ghost = 9_000_000_000_000;
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.NewFileAsync(Ghost, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReadDirectoryAsync(Ghost, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.SetAttributesAsync(Ghost, new(Mode: 0x1FF), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetChunksAsync(Ghost, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AcquireLeasesAsync(Ghost, new([0]), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.CommitAsync(Ghost, new([], 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetChunkAsync(Ghost, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetServerAsync(int.MaxValue, Token));
        using var response = await _http.GetAsync(new Uri(fixture.Cluster.MetaUrl, $"/api/fs/inodes/{Ghost}"), Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, response);
    }

    [Fact]
    public async Task A_malformed_body_is_explained()
    {
        var dir = await _api.NewTestDirectoryAsync();
        using var response = await _http.PostAsync(
            new Uri(fixture.Cluster.MetaUrl, $"/api/fs/inodes/{dir.Ino}/directories"),
            new StringContent("""{"name": "x", "mode": }""", Encoding.UTF8, "application/json"),
            Token);
        var problem = await ProblemAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("EINVAL", problem.GetProperty("code").GetString());
    }

    /// <summary>Everything a bad request could have touched: the test directory, the root, the server list and the event log.</summary>
    private async Task<string> SnapshotAsync(long directory)
    {
        var entries = await _api.ListAllAsync(directory);
        var attributes = await _api.AttributesAsync(directory);
        var root = await _api.AttributesAsync(1);
        var servers = await _api.GetServersAsync(Token);
        var events = await _api.GetEventsAsync(cancellationToken: Token);
        using var db = MetaDatabaseFile.Open(fixture.Cluster);
        var inodes = db.Longs("SELECT COUNT(*) FROM inodes").Single();
        return $"{string.Join(',', entries.Select(e => e.Name))}|{attributes}|{root.Nlink}|{servers.Count}|{events.LastId}|{inodes}";
    }
}
