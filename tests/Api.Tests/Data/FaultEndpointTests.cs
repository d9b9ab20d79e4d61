using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class FaultEndpointTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private readonly StandaloneDataServer _server = fixture.Server;

    [Fact]
    public async Task Without_enable_faults_the_corrupt_endpoint_does_not_exist()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(enableFaults: false, extraArguments: ["--admin-token", StandaloneDataServer.AdminToken], cancellationToken: ct);
        var key = NewKey();
        var data = Bytes(100, 1);
        await server.Http.PutNewAsync(key, 1, data, ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/faults/corrupt") { Content = JsonContent.Create(new CorruptRequest(key)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneDataServer.AdminToken);
        using var response = await server.Http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True((await server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("Bearer", 401)]
    [InlineData("Basic dXNlcjpwYXNz", 401)]
    [InlineData("Bearer wrong-token", 403)]
    public async Task The_corrupt_endpoint_needs_the_admin_token(string? authorization, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, Bytes(100, 1), ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/faults/corrupt") { Content = JsonContent.Create(new CorruptRequest(key)) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _server.Http.SendAsync(request, ct);
        await AssertProblemAsync(response, status, ct);
        Assert.True((await _server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Theory]
    [InlineData("{\"key\":\"../x\",\"count\":1}")]
    [InlineData("{\"key\":\"KEY\",\"count\":0}")]
    [InlineData("{\"key\":\"KEY\",\"count\":1,\"offset\":-1}")]
    [InlineData("{\"key\":\"KEY\",\"count\":1,\"version\":0}")]
    [InlineData("{\"key\":\"KEY\",\"count\":1,\"offset\":100000}")]
    [InlineData("not json")]
    public async Task Bad_corrupt_requests_are_400(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        await _server.Http.PutNewAsync(key, 1, Bytes(100, 1), ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/faults/corrupt")
        {
            Content = new StringContent(body.Replace("KEY", key, StringComparison.Ordinal), MediaTypeHeaderValue.Parse("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneDataServer.AdminToken);
        using var response = await _server.Http.SendAsync(request, ct);
        await AssertProblemAsync(response, 400, ct);
        Assert.True((await _server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }
}
