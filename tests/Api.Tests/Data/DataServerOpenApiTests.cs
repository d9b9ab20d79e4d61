using System.Text.Json;

namespace ReplicaFs.Api.Tests.Data;

public sealed class DataServerOpenApiTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    [Fact]
    public async Task Swagger_describes_every_data_endpoint_with_a_summary()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await fixture.Server.Http.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative), ct);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Method: op.Name.ToUpperInvariant(), Path: path.Name, Operation: op.Value)))
            .ToList();
        var expected = new[]
        {
            ("PUT", "/api/chunks/{key}", "PutChunk"),
            ("GET", "/api/chunks/{key}", "GetChunk"),
            ("HEAD", "/api/chunks/{key}", "HeadChunk"),
            ("DELETE", "/api/chunks/{key}", "DeleteChunk"),
            ("GET", "/api/chunks/{key}/digest", "GetChunkDigest"),
            ("GET", "/api/chunks", "ListChunks"),
            ("POST", "/api/chunks/{key}/repair", "RepairChunk"),
            ("GET", "/api/stats", "GetDataServerStatus"),
            ("POST", "/api/faults/corrupt", "CorruptChunk"),
            ("POST", "/api/faults/crash", "CrashDataServer"),
            ("POST", "/api/faults/restore", "RestoreDataServer"),
            ("POST", "/api/admin/scrub", "StartScrub"),
            ("POST", "/api/admin/rebuild", "StartRebuild"),
            ("POST", "/api/admin/gc", "CollectGarbage"),
        };
        foreach (var (method, path, name) in expected)
        {
            var operation = Assert.Single(operations, o => o.Method == method && o.Path == path).Operation;
            Assert.Equal(name, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        }

        var put = operations.Single(o => o.Method == "PUT").Operation;
        Assert.True(put.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("409", out _));
    }
}
