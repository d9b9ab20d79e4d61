using System.Net;
using System.Net.Http.Headers;
using Refit;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The crash and restore faults on a real data server process (no metadata server: the cluster side is in Healing/).</summary>
public sealed class CrashRestoreEndpointTests
{
    [Fact]
    public async Task A_crashed_server_drops_everything_and_answers_503_except_health_stats_and_restore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            await server.Http.PutNewAsync(key, 1, Bytes(70_000 + i, i), ct);
        }

        var before = await server.Api.GetStatusAsync(ct);

        var crashed = await server.Faults.CrashAsync(ct);

        Assert.True(crashed.Crashed);
        Assert.Equal(0, crashed.Stats.ChunkCount);
        Assert.Equal(0, crashed.Stats.BytesStored);
        Assert.Empty(Files(Path.Combine(server.DataDir, "chunks")));
        Assert.Empty(Files(Path.Combine(server.DataDir, "tmp")));
        Assert.False(File.Exists(Path.Combine(server.DataDir, "format.json")));

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{keys[0]}"),
            new HttpRequestMessage(HttpMethod.Get, $"/api/chunks/{keys[0]}/digest"),
            new HttpRequestMessage(HttpMethod.Get, "/api/chunks"),
            new HttpRequestMessage(HttpMethod.Delete, $"/api/chunks/{keys[0]}"),
            new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{keys[0]}?version=2") { Content = new ByteArrayContent([1]) },
            new HttpRequestMessage(HttpMethod.Post, "/api/faults/crash"),
            new HttpRequestMessage(HttpMethod.Post, "/api/admin/scrub"),
            new HttpRequestMessage(HttpMethod.Get, "/metrics"),
        })
        {
            using (request)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneDataServer.AdminToken);
                using var response = await server.Http.SendAsync(request, ct);
                var problem = await AssertProblemAsync(response, 503, ct);
                Assert.Equal(11, problem.GetProperty("errno").GetInt32());
                Assert.Contains("crashed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        using (var health = await server.Http.GetAsync(new Uri("/healthz", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        var status = await server.Api.GetStatusAsync(ct);
        Assert.True(status.Crashed);
        Assert.Equal(before.InstanceId, status.InstanceId);

        var restored = await server.Faults.RestoreAsync(ct);

        Assert.False(restored.Crashed);
        Assert.NotEqual(before.InstanceId, restored.InstanceId);
        Assert.Equal(0, restored.Stats.ChunkCount);
        Assert.True(File.Exists(Path.Combine(server.DataDir, "format.json")));
        using (var health = await server.Http.GetAsync(new Uri("/healthz", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (var gone = await server.Api.GetChunkAsync(keys[0], cancellationToken: ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var data = Bytes(1234, 42);
        await server.Http.PutNewAsync(keys[0], 3, data, ct);
        Assert.True((await server.Api.GetDigestAsync(keys[0], 3, ct)).Intact);

        // A restart keeps the restored identity and what was written since.
        await server.KillAsync();
        await server.StartAgainAsync(ct);
        var afterRestart = await server.Api.GetStatusAsync(ct);
        Assert.Equal(restored.InstanceId, afterRestart.InstanceId);
        Assert.Equal(1, afterRestart.Stats.ChunkCount);
    }

    [Fact]
    public async Task Restoring_a_server_that_is_not_crashed_is_409_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var key = NewKey();
        await server.Http.PutNewAsync(key, 1, Bytes(100, 1), ct);
        var before = await server.Api.GetStatusAsync(ct);

        var error = await Assert.ThrowsAnyAsync<ApiException>(() => server.Faults.RestoreAsync(ct));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        var after = await server.Api.GetStatusAsync(ct);
        Assert.Equal(before.InstanceId, after.InstanceId);
        Assert.True((await server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Fact]
    public async Task A_server_killed_while_crashed_starts_empty_with_a_new_instance_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        await server.Http.PutNewAsync(NewKey(), 1, Bytes(100, 1), ct);
        var before = await server.Api.GetStatusAsync(ct);
        await server.Faults.CrashAsync(ct);

        await server.KillAsync();
        await server.StartAgainAsync(ct);

        var after = await server.Api.GetStatusAsync(ct);
        Assert.False(after.Crashed);
        Assert.NotEqual(before.InstanceId, after.InstanceId);
        Assert.Equal(0, after.Stats.ChunkCount);
    }

    [Theory]
    [InlineData("/api/faults/crash", null, 401)]
    [InlineData("/api/faults/crash", "Bearer wrong-token", 403)]
    [InlineData("/api/faults/restore", null, 401)]
    [InlineData("/api/faults/restore", "Bearer wrong-token", 403)]
    public async Task Crash_and_restore_need_the_admin_token(string path, string? authorization, int status)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var key = NewKey();
        await server.Http.PutNewAsync(key, 1, Bytes(100, 1), ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await server.Http.SendAsync(request, ct);
        await AssertProblemAsync(response, status, ct);
        Assert.False((await server.Api.GetStatusAsync(ct)).Crashed);
        Assert.True((await server.Api.GetDigestAsync(key, 1, ct)).Intact);
    }

    [Fact]
    public async Task Without_enable_faults_crash_and_restore_do_not_exist()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(enableFaults: false, extraArguments: ["--admin-token", StandaloneDataServer.AdminToken], cancellationToken: ct);

        foreach (var path in new[] { "/api/faults/crash", "/api/faults/restore" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StandaloneDataServer.AdminToken);
            using var response = await server.Http.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.False((await server.Api.GetStatusAsync(ct)).Crashed);
    }
}
