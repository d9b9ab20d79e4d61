using System.Net;
using ReplicaFs.Api.Tests.Data;
using ReplicaFs.Api.Tests.Hostile;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Security;

/// <summary>
/// Admin and fault endpoints exist only when enabled (404 and absent from the OpenAPI document otherwise), and when
/// they exist every one of them refuses a call without the right bearer token (401 without, 403 with a wrong one).
/// The metadata server has none of them, whatever its command line says.
/// </summary>
public sealed class GuardedEndpointTests
{
    private static readonly string[] FaultPaths = ["/api/faults/corrupt", "/api/faults/crash", "/api/faults/restore"];
    private static readonly string[] AdminPaths = ["/api/admin/scrub", "/api/admin/rebuild", "/api/admin/gc"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Admin_and_fault_endpoints_exist_only_when_enabled(bool adminToken, bool faults)
    {
        var arguments = adminToken && !faults ? new[] { "--admin-token", StandaloneDataServer.AdminToken } : [];
        await using var server = await StandaloneDataServer.StartAsync(enableFaults: faults, extraArguments: arguments, cancellationToken: Ct);
        var document = await OpenApiDocument.FetchAsync(server.Http, server.Url, Ct);
        var documented = document.Operations.Select(o => o.Path).ToHashSet(StringComparer.Ordinal);

        foreach (var (path, exists) in FaultPaths.Select(p => (p, faults)).Concat(AdminPaths.Select(p => (p, adminToken))))
        {
            Assert.Equal(exists, documented.Contains(path));
            using var response = await server.Http.PostAsync(new Uri(path, UriKind.Relative), null, Ct);
            Assert.True(
                response.StatusCode == (exists ? HttpStatusCode.Unauthorized : HttpStatusCode.NotFound),
                $"POST {path} without a token answered {(int)response.StatusCode} (admin token: {adminToken}, faults: {faults}).");
        }
    }

    [Fact]
    public async Task Every_guarded_operation_refuses_a_missing_or_wrong_bearer_token()
    {
        await using var server = await StandaloneDataServer.StartAsync(enableFaults: true, cancellationToken: Ct);
        var document = await OpenApiDocument.FetchAsync(server.Http, server.Url, Ct);
        var guarded = document.Operations.Where(o => o.Path.StartsWith("/api/faults", StringComparison.Ordinal) || o.Path.StartsWith("/api/admin", StringComparison.Ordinal)).ToList();

        // corrupt, crash, restore, the fault state, latency, disk-full, cut-off; scrub, rebuild, gc.
        Assert.Equal(10, guarded.Count);
        Assert.All(guarded, o => Assert.True(o.NeedsAdminToken, $"{o} does not document its 401."));
        var token = StandaloneDataServer.AdminToken;
        foreach (var operation in guarded)
        {
            foreach (var (authorization, status) in new (string?, HttpStatusCode)[]
            {
                (null, HttpStatusCode.Unauthorized),
                ("Bearer", HttpStatusCode.Unauthorized),
                ($"Basic {token}", HttpStatusCode.Unauthorized),
                ("Bearer wrong", HttpStatusCode.Forbidden),
                ($"Bearer {token}x", HttpStatusCode.Forbidden),
                ($"Bearer {token[..^1]}", HttpStatusCode.Forbidden),
                ($"Bearer {token.ToUpperInvariant()}", HttpStatusCode.Forbidden),
            })
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(server.Url, operation.Path));
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                using var response = await server.Http.SendAsync(request, Ct);
                Assert.True(status == response.StatusCode, $"{operation} with '{authorization ?? "(none)"}' answered {(int)response.StatusCode}.");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.False((await server.Api.GetStatusAsync(Ct)).Crashed);
    }

    [Fact]
    public async Task The_metadata_server_has_no_admin_or_fault_endpoints_even_with_faults_enabled()
    {
        // TestCluster starts meta with --admin-token and --enable-faults.
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 0 }, Ct);
        var document = await OpenApiDocument.FetchAsync(cluster.Http, cluster.MetaUrl, Ct);
        Assert.DoesNotContain(document.Operations, o => o.Path.StartsWith("/api/faults", StringComparison.Ordinal) || o.Path.StartsWith("/api/admin", StringComparison.Ordinal));
        foreach (var path in FaultPaths.Concat(AdminPaths))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.MetaUrl, path));
            request.Headers.Authorization = new("Bearer", cluster.Options.AdminToken);
            using var response = await cluster.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
