using System.Net;
using System.Text;
using System.Text.Json;
using ReplicaFs.Api.Tests.Hostile;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Security;

/// <summary>A cluster that runs with a cluster token: meta and two data servers, faults enabled.</summary>
public sealed class ClusterTokenFixture : ClusterFixture
{
    /// <summary>The cluster token.</summary>
    public const string Token = "cluster-token-for-the-access-control-tests";

    /// <inheritdoc />
    protected override ClusterOptions Options => new() { DataServers = 2, Replicas = 2, ClusterToken = Token };
}

/// <summary>
/// With a cluster token, every <c>/api</c> call of both roles needs it (the operations are taken from the live OpenAPI
/// documents), the servers carry it to each other (registration, heartbeats, repairs between peers) and the client
/// library carries it; health, metrics and the API description stay open.
/// </summary>
public sealed class ClusterTokenTests(ClusterTokenFixture fixture) : IClassFixture<ClusterTokenFixture>
{
    private readonly TestCluster _cluster = fixture.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_api_operation_of_both_roles_refuses_a_call_without_the_right_cluster_token()
    {
        var before = await ClusterSnapshot.TakeAsync(_cluster, Ct);
        var refused = 0;
        foreach (var server in _cluster.DataServers.Select(d => d.Url).Prepend(_cluster.MetaUrl))
        {
            using var open = new HttpClient();
            var document = await OpenApiDocument.FetchAsync(open, server, Ct);
            Assert.NotEmpty(document.Operations);
            foreach (var operation in document.Operations)
            {
                var path = operation.Parameters.Where(p => p.In == "path")
                    .Aggregate(operation.Path, (p, parameter) => p.Replace("{" + parameter.Name + "}", parameter.Type == "integer" ? "1" : "k1", StringComparison.Ordinal));
                foreach (var token in new[] { null, string.Empty, "wrong", ClusterTokenFixture.Token + "x", ClusterTokenFixture.Token[..^1], ClusterTokenFixture.Token.ToUpperInvariant() })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(server, path));
                    if (token is not null)
                    {
                        request.Headers.TryAddWithoutValidation(ChunkHeaders.ClusterToken, token);
                    }

                    // The admin token alone is not enough either.
                    request.Headers.Authorization = new("Bearer", _cluster.Options.AdminToken);
                    if (operation.HasJsonBody)
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    }

                    using var response = await open.SendAsync(request, Ct);
                    var body = await response.Content.ReadAsStringAsync(Ct);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{operation} with cluster token '{token ?? "(none)"}' answered {(int)response.StatusCode}: {body}");
                    if (operation.Method != "HEAD")
                    {
                        using var problem = JsonDocument.Parse(body);
                        Assert.Equal("Cluster token required", problem.RootElement.GetProperty("title").GetString());
                    }

                    refused++;
                }
            }
        }

        Assert.True(refused > 300, $"Only {refused} calls were tried.");
        Assert.Equal(before, await ClusterSnapshot.TakeAsync(_cluster, Ct));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Health_metrics_and_the_api_description_stay_open(string path)
    {
        using var open = new HttpClient();
        foreach (var server in _cluster.DataServers.Select(d => d.Url).Prepend(_cluster.MetaUrl))
        {
            using var response = await open.GetAsync(new Uri(server, path), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Data_servers_carry_the_token_to_meta_and_to_their_peers()
    {
        // Registered and heartbeating: both are calls to meta, which refuses them without the token.
        var servers = await _cluster.MetaApi.GetServersAsync(Ct);
        Assert.Equal(2, servers.Count);
        Assert.All(servers, s => Assert.Equal(ServerState.Up, s.State));
        var firstBeat = servers.Max(s => s.LastHeartbeat);
        await _cluster.WaitUntilAsync(
            async () => (await _cluster.MetaApi.GetServersAsync(Ct)).All(s => s.LastHeartbeat > firstBeat),
            TimeSpan.FromSeconds(30), "heartbeats after the first", Ct);

        // A repair pulls the bytes from the peer, which refuses the pull without the token.
        var data = Encoding.ASCII.GetBytes("repaired across a cluster token");
        var key = $"token{Guid.NewGuid():N}"[..32];
        var checksum = ChunkChecksum.Format(ChunkChecksum.Compute(data));
        foreach (var server in _cluster.DataServers)
        {
            using var content = new ByteArrayContent(data);
            content.Headers.ContentType = new(ChunkHeaders.OctetStream);
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(server.Url, $"/api/chunks/{key}?version=1")) { Content = content };
            put.Headers.Add(ChunkHeaders.Checksum, checksum);
            using var response = await _cluster.Http.SendAsync(put, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await _cluster.CorruptAsync(0, key, 1, Ct);
        Assert.False((await _cluster.DataApi(0).GetDigestAsync(key, 1, Ct)).Intact);
        var repaired = await _cluster.DataApi(0).RepairAsync(key, new RepairRequest(1, checksum, _cluster.DataServers[1].UrlText), Ct);
        Assert.True(repaired.Replaced);
        var digest = await _cluster.DataApi(0).GetDigestAsync(key, 1, Ct);
        Assert.True(digest.Intact);
        Assert.Equal(checksum, digest.Checksum);
    }

    [Fact]
    public async Task The_client_library_carries_the_token_and_without_it_gets_EACCES()
    {
        var options = new ReplicaFsClientOptions { MetaUrl = _cluster.MetaUrl, ReadQuorum = 2, WriteQuorum = 2, ClusterToken = ClusterTokenFixture.Token };
        await using (var client = await ReplicaFsClient.ConnectAsync(options, cancellationToken: Ct))
        {
            var file = await client.CreateFileAsync($"/token-{Guid.NewGuid():N}", cancellationToken: Ct);
            var data = new byte[(3 * _cluster.Options.ChunkSize) + 17];
            new Random(8).NextBytes(data);
            await client.WriteAsync(file.Ino, 0, data, Ct);
            var read = new byte[data.Length];
            Assert.Equal(data.Length, await client.ReadAsync(file.Ino, 0, read, Ct));
            Assert.Equal(data, read);
        }

        var refused = await Assert.ThrowsAnyAsync<PosixException>(() => ReplicaFsClient.ConnectAsync(options with { ClusterToken = null }, cancellationToken: Ct));
        Assert.Equal(Errno.EACCES, refused.Errno);
        refused = await Assert.ThrowsAnyAsync<PosixException>(() => ReplicaFsClient.ConnectAsync(options with { ClusterToken = "wrong" }, cancellationToken: Ct));
        Assert.Equal(Errno.EACCES, refused.Errno);
    }

    [Theory]
    [InlineData("/api/faults/crash")]
    [InlineData("/api/admin/gc")]
    public async Task Admin_and_fault_endpoints_need_the_admin_token_as_well(string path)
    {
        var server = _cluster.DataServers[1].Url;
        foreach (var (bearer, status) in new (string?, HttpStatusCode)[] { (null, HttpStatusCode.Unauthorized), ("wrong", HttpStatusCode.Forbidden) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path));
            if (bearer is not null)
            {
                request.Headers.Authorization = new("Bearer", bearer);
            }

            using var response = await _cluster.Http.SendAsync(request, Ct);
            Assert.Equal(status, response.StatusCode);
        }

        Assert.False((await _cluster.DataApi(1).GetStatusAsync(Ct)).Crashed);
    }
}
