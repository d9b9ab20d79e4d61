using System.Net;
using System.Net.Http.Headers;
using Refit;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The admin endpoints (scrub, rebuild, gc) and the activity figures of a real data server process without a metadata server.</summary>
public sealed class AdminEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_on_demand_scrub_re_verifies_every_version_and_counts_the_corrupt_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var keys = Enumerable.Range(1, 6).Select(i => ChunkKey.FromId(1000 + i)).ToList();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
        {
            await server.Http.PutNewAsync(key, 1, Bytes(100_000 + i, i), ct);
        }

        await server.Faults.CorruptAsync(new CorruptRequest(keys[2], 1, 10, 1), ct);

        var started = await server.Admin.StartScrubAsync(ct);
        Assert.Equal(6, started.ChunksTotal);

        var scrub = await WaitForAsync(
            async () => (await server.Api.GetStatusAsync(ct)).Activity?.Scrub is { Active: false } done && done.StartedAt >= started.StartedAt ? done : null,
            "the scrub pass to finish", ct);
        Assert.Equal(6, scrub.ChunksChecked);
        Assert.Equal(1, scrub.CorruptFound);
        Assert.Equal(Enumerable.Range(0, 6).Sum(i => 100_000L + i), scrub.BytesChecked);
        Assert.NotNull(scrub.FinishedAt);
        Assert.Contains($"Scrub found chunk {keys[2]} version 1 corrupt", server.Process.ReadLog(), StringComparison.Ordinal);

        // The background pass is off by default for ten minutes; nothing else changed the copy.
        Assert.False((await server.Api.GetDigestAsync(keys[2], 1, ct)).Intact);
    }

    [Fact]
    public async Task A_scrub_asked_for_while_one_runs_reports_the_running_pass()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(extraArguments: ["--scrub-rate", "0.5"], cancellationToken: ct);
        for (var i = 1; i <= 3; i++)
        {
            await server.Http.PutNewAsync(ChunkKey.FromId(i), 1, Bytes(1_000_000, i), ct);
        }

        // 3 MB at 0.5 MB/s: the pass takes several seconds.
        var first = await server.Admin.StartScrubAsync(ct);
        var second = await server.Admin.StartScrubAsync(ct);

        Assert.True(second.Active);
        Assert.Equal(first.StartedAt, second.StartedAt);
    }

    [Fact]
    public async Task Rebuild_answers_with_the_status_and_gc_needs_a_registered_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);

        var status = await server.Admin.StartRebuildAsync(ct);
        Assert.False(status.Crashed);
        Assert.Null(status.ServerId);

        // No metadata server here: only it knows what is garbage.
        var error = await Assert.ThrowsAnyAsync<ApiException>(() => server.Admin.StartGarbageCollectionAsync(ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("\"errno\":11", error.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/admin/scrub")]
    [InlineData("/api/admin/rebuild")]
    [InlineData("/api/admin/gc")]
    public async Task Admin_endpoints_need_the_admin_token(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);

        using (var anonymous = await server.Http.PostAsync(new Uri(path, UriKind.Relative), null, ct))
        {
            await AssertProblemAsync(anonymous, 401, ct);
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Post, path);
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var response = await server.Http.SendAsync(wrong, ct);
        await AssertProblemAsync(response, 403, ct);
    }

    [Fact]
    public async Task Without_an_admin_token_the_admin_endpoints_do_not_exist()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(enableFaults: false, cancellationToken: ct);

        foreach (var path in new[] { "/api/admin/scrub", "/api/admin/rebuild", "/api/admin/gc" })
        {
            using var response = await server.Http.PostAsync(new Uri(path, UriKind.Relative), null, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Stats_report_chunk_requests_bytes_and_latency()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StandaloneDataServer.StartAsync(cancellationToken: ct);
        var key = NewKey();
        var data = Bytes(50_000, 9);
        await server.Http.PutNewAsync(key, 1, data, ct);
        for (var i = 0; i < 3; i++)
        {
            using var get = await server.Api.GetChunkAsync(key, cancellationToken: ct);
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        }

        var activity = (await server.Api.GetStatusAsync(ct)).Activity;

        Assert.NotNull(activity);
        Assert.Equal(4, activity.RequestsServed);
        Assert.Equal(3 * 50_000, activity.BytesRead);
        Assert.Equal(50_000, activity.BytesWritten);
        Assert.Equal(0, activity.RepairsDone);
        Assert.Null(activity.Rebuild);
        Assert.True(activity.LatencyMs >= 0);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, CancellationToken ct)
        where T : class
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }
}
