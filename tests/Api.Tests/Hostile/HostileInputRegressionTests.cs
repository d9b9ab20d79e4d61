using System.Net;
using System.Text;
using ReplicaFs.Api.Tests.Meta;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>The server bugs the hostile-input attack found, one test each, so that each fix stays fixed by name.</summary>
[Collection(HostileInputGroup.Name)]
public sealed class HostileInputRegressionTests(HostileInputFixture fixture)
{
    private readonly TestCluster _cluster = fixture.Cluster;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task A_commit_of_chunk_id_0_or_below_is_EINVAL_not_a_500(long chunkId)
    {
        var body = $$"""{"commits": [{"chunkId": {{chunkId}}, "version": 2, "baseVersion": 1, "length": 1, "checksum": "0123456789abcdef", "acknowledged": [1], "failed": []}], "minSize": 0}""";
        using var response = await PostJsonAsync($"/api/fs/inodes/{fixture.Targets.FileIno}/commits", body);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, response);
    }

    [Fact]
    public async Task A_write_failure_report_names_each_replica_once_and_at_most_R_of_them()
    {
        var before = await ClusterSnapshot.TakeAsync(_cluster, Token);
        var repeated = string.Join(',', Enumerable.Repeat(fixture.Targets.ServerId, 50_000));
        foreach (var body in new[]
        {
            $$"""{"chunkId": {{fixture.Targets.ChunkId}}, "version": 1, "writeQuorum": 2, "acknowledged": [{{repeated}}], "failed": []}""",
            $$"""{"chunkId": {{fixture.Targets.ChunkId}}, "version": 1, "writeQuorum": 2, "acknowledged": [], "failed": [{"serverId": 1, "reason": "a"}, {"serverId": 1, "reason": "b"}]}""",
            $$"""{"chunkId": {{fixture.Targets.ChunkId}}, "version": 1, "writeQuorum": 17, "acknowledged": [1], "failed": []}""",
        })
        {
            using var response = await PostJsonAsync($"/api/fs/inodes/{fixture.Targets.FileIno}/write-failures", body);
            await ProblemAssert.ErrnoAsync(Errno.EINVAL, response);
        }

        Assert.Equal(before, await ClusterSnapshot.TakeAsync(_cluster, Token));
    }

    [Theory]
    [InlineData("user.%FF")]
    [InlineData("user.%C0%AF")]
    [InlineData("user.%ED%A0%80")]
    public async Task A_name_that_is_not_UTF8_once_decoded_is_EILSEQ_not_taken_literally(string name)
    {
        var before = await ClusterSnapshot.TakeAsync(_cluster, Token);
        using var content = new ByteArrayContent("value"u8.ToArray());
        using var set = await _cluster.Http.PutAsync(new Uri(_cluster.MetaUrl, $"/api/fs/inodes/{fixture.Targets.DirectoryIno}/xattrs/value?name={name}"), content, Token);
        await ProblemAssert.ErrnoAsync(Errno.EILSEQ, set);
        using var lookup = await _cluster.Http.GetAsync(new Uri(_cluster.MetaUrl, $"/api/fs/inodes/{fixture.Targets.DirectoryIno}/lookup?name={name[5..]}"), Token);
        await ProblemAssert.ErrnoAsync(Errno.EILSEQ, lookup);
        Assert.Equal(before, await ClusterSnapshot.TakeAsync(_cluster, Token));

        // A literal percent sign, properly encoded, is still an ordinary name.
        using var literal = await _cluster.Http.GetAsync(new Uri(_cluster.MetaUrl, $"/api/fs/inodes/{fixture.Targets.DirectoryIno}/lookup?name=100%25"), Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, literal);
    }

    [Fact]
    public async Task A_JSON_property_given_twice_is_refused_on_both_roles()
    {
        var before = await ClusterSnapshot.TakeAsync(_cluster, Token);
        using var create = await PostJsonAsync($"/api/fs/inodes/{fixture.Targets.DirectoryIno}/files", """{"name": "../escape", "name": "innocent", "mode": 420}""");
        var problem = await ProblemAssert.StatusAsync(HttpStatusCode.BadRequest, create);
        Assert.Equal("EINVAL", problem.GetProperty("code").GetString());

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_cluster.DataServers[0].Url, "/api/faults/corrupt"))
        {
            Content = new StringContent($$"""{"key": "..", "key": "{{fixture.Targets.ChunkKey}}", "count": 1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", _cluster.Options.AdminToken);
        using var corrupt = await _cluster.Http.SendAsync(request, Token);
        await ProblemAssert.StatusAsync(HttpStatusCode.BadRequest, corrupt);
        Assert.Equal(before, await ClusterSnapshot.TakeAsync(_cluster, Token));

        var digest = await _cluster.DataApi(0).GetDigestAsync(fixture.Targets.ChunkKey, cancellationToken: Token);
        Assert.True(digest.Intact);
        Assert.Equal(ChunkKey.FromId(fixture.Targets.ChunkId), digest.Key);
    }

    private async Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        await _cluster.Http.PostAsync(new Uri(_cluster.MetaUrl, path), new StringContent(json, Encoding.UTF8, "application/json"), Token);
}
