using System.Net;
using System.Text.Json;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class ChunkDeleteListStatsTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private readonly StandaloneDataServer _server = fixture.Server;

    [Fact]
    public async Task Delete_removes_one_version_the_versions_below_one_or_all_and_is_idempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        foreach (var version in Enumerable.Range(1, 6))
        {
            await _server.Http.PutNewAsync(key, version, Bytes(100, version), ct);
        }

        await AssertDeleteAsync($"version=3");
        await AssertVersionsAsync(1, 2, 4, 5, 6);
        await AssertDeleteAsync($"version=3");
        await AssertDeleteAsync($"below=5");
        await AssertVersionsAsync(5, 6);
        await AssertDeleteAsync(string.Empty);
        await AssertVersionsAsync();
        await AssertDeleteAsync(string.Empty);
        Assert.DoesNotContain(Files(Path.Combine(_server.DataDir, "chunks")), f => f.Contains(key, StringComparison.Ordinal));

        async Task AssertDeleteAsync(string query)
        {
            using var response = await _server.Http.DeleteAsync(new Uri($"/api/chunks/{key}?{query}", UriKind.Relative), ct);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        async Task AssertVersionsAsync(params long[] expected)
        {
            var page = await _server.Api.ListChunksAsync(limit: 10_000, cancellationToken: ct);
            Assert.Equal(expected, page.Chunks.Where(c => c.Key == key).Select(c => c.Version));
            foreach (var version in Enumerable.Range(1, 6))
            {
                using var head = await _server.Api.HeadChunkAsync(key, version, ct);
                Assert.Equal(expected.Contains(version) ? HttpStatusCode.OK : HttpStatusCode.NotFound, head.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Deleting_a_key_never_stored_is_204()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _server.Api.DeleteChunkAsync(NewKey(), cancellationToken: ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task The_list_pages_through_every_version_in_key_then_version_order()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = "list" + Guid.NewGuid().ToString("N")[..8];
        var expected = new List<StoredChunk>();
        for (var k = 0; k < 9; k++)
        {
            var key = $"{prefix}{(char)('a' + k)}";
            for (var version = 1; version <= (k % 3) + 1; version++)
            {
                var data = Bytes(10 + k + version, (k * 10) + version);
                await _server.Http.PutNewAsync(key, version, data, ct);
                expected.Add(new StoredChunk(key, version, data.Length, Checksum(data)));
            }
        }

        // Start just before the prefix; everything this test wrote comes in order, in pages of 4.
        var seen = new List<StoredChunk>();
        string? after = prefix;
        var pages = 0;
        do
        {
            var page = await _server.Api.ListChunksAsync(after, 4, ct);
            Assert.True(page.Chunks.Count <= 4);
            seen.AddRange(page.Chunks.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)));
            after = page.NextAfter;
            Assert.True(after is null || page.Chunks.Count == 4);
            pages++;
        }
        while (after is not null && pages < 100);

        Assert.Equal(expected, seen);
        Assert.Equal(expected.OrderBy(c => c.Key, StringComparer.Ordinal).ThenBy(c => c.Version), seen);

        // A cursor naming a key skips all of its versions; key.version continues inside the key.
        var afterKey = await _server.Api.ListChunksAsync(expected[1].Key, 1, ct);
        Assert.Equal(expected.First(c => string.CompareOrdinal(c.Key, expected[1].Key) > 0), afterKey.Chunks.Single());
        var inside = await _server.Api.ListChunksAsync($"{expected[1].Key}.1", 1, ct);
        Assert.Equal(expected[2], inside.Chunks.Single());
    }

    [Fact]
    public async Task Stats_report_identity_url_and_storage_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await _server.Api.GetStatusAsync(ct);
        await _server.Http.PutNewAsync(NewKey(), 1, Bytes(1000, 1), ct);
        await _server.Http.PutNewAsync(NewKey(), 1, Bytes(234, 2), ct);
        var after = await _server.Api.GetStatusAsync(ct);

        using var format = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_server.DataDir, "format.json"), ct));
        Assert.Equal(1, format.RootElement.GetProperty("format").GetInt32());
        Assert.Equal(format.RootElement.GetProperty("instanceId").GetString(), after.InstanceId);
        Assert.Null(after.ServerId);
        Assert.Equal($"http://127.0.0.1:{_server.Port}", after.Url);
        Assert.False(after.Crashed);
        Assert.True(after.Stats.ChunkCount >= 2);
        Assert.True(after.Stats.CapacityBytes > 0);
        Assert.InRange(after.Stats.FreeBytes, 0, after.Stats.CapacityBytes);

        // The class's tests run one at a time, so the difference is this test's own writes.
        Assert.Equal(before.Stats.ChunkCount + 2, after.Stats.ChunkCount);
        Assert.Equal(before.Stats.BytesStored + 1234, after.Stats.BytesStored);
    }
}
