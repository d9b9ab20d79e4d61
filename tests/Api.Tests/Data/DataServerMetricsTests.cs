using System.Globalization;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

public sealed class DataServerMetricsTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private readonly StandaloneDataServer _server = fixture.Server;

    [Fact]
    public async Task Metrics_count_uploads_reads_digests_and_stored_chunks()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = NewKey();
        var data = Bytes(5000, 1);
        await _server.Http.PutNewAsync(key, 1, data, ct);
        using (var again = await _server.Http.PutChunkAsync(key, 1, data, cancellationToken: ct))
        {
            again.EnsureSuccessStatusCode();
        }

        using (var mismatch = await _server.Http.PutChunkAsync(key, 2, data, "0000000000000000", cancellationToken: ct))
        {
            Assert.Equal(400, (int)mismatch.StatusCode);
        }

        using (var get = await _server.Api.GetChunkAsync(key, cancellationToken: ct))
        {
            Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(ct));
        }

        Assert.True((await _server.Api.GetDigestAsync(key, 1, ct)).Intact);

        var metrics = await _server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
        Assert.Equal(1, Value(metrics, "replicafs_data_chunk_writes_total{outcome=\"created\"}"));
        Assert.Equal(1, Value(metrics, "replicafs_data_chunk_writes_total{outcome=\"already_stored\"}"));
        Assert.Equal(1, Value(metrics, "replicafs_data_chunk_writes_total{outcome=\"checksum_mismatch\"}"));
        Assert.Equal(5000, Value(metrics, "replicafs_data_bytes_written_total"));
        Assert.Equal(5000, Value(metrics, "replicafs_data_bytes_read_total"));
        Assert.Equal(1, Value(metrics, "replicafs_data_digests_total{intact=\"true\"}"));
        Assert.Equal(1, Value(metrics, "replicafs_data_chunks"));
        Assert.Equal(5000, Value(metrics, "replicafs_data_bytes"));
        Assert.Equal(0, Value(metrics, "replicafs_data_quarantined_files"));
    }

    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No series {series} in:\n{metrics}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
