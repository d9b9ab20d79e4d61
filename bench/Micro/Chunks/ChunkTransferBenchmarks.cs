using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using ReplicaFs.Bench.Micro.Setup;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Bench.Micro.Chunks;

/// <summary>
/// One data server over loopback HTTP, called through the Refit contract: a 4 MiB PUT (checksum verified, fsync and
/// rename before the answer), full and ranged GETs, full and range digests (the server re-reads and re-hashes).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(8)]
public class ChunkTransferBenchmarks
{
    private static readonly string Key = ChunkKey.FromId(1_000_001);
    private readonly byte[] _receive = new byte[MicroCluster.ChunkSize];
    private MicroCluster? _cluster;
    private IDataServerApi _api = null!;
    private byte[] _chunk = [];
    private string _checksum = string.Empty;
    private long _version = 1;

    /// <summary>Starts meta and one data server; stores version 1 of a 4 MiB chunk.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cluster = MicroCluster.StartAsync(dataServers: 1, readQuorum: 1, writeQuorum: 1).GetAwaiter().GetResult();
        _api = _cluster.Cluster.DataApi(0);
        _chunk = new byte[MicroCluster.ChunkSize];
        new Random(7).NextBytes(_chunk);
        _checksum = ChunkChecksum.Format(ChunkChecksum.Compute(_chunk));
        Put(1);
        Get(offset: null, length: null, MicroCluster.ChunkSize, verify: true);
        Get(offset: 1024 * 1024, length: ChunkChecksum.BlockSize, ChunkChecksum.BlockSize, verify: true);
    }

    /// <summary>Stops the cluster.</summary>
    [GlobalCleanup]
    public void Cleanup() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Drops the versions PUT during the iteration, so the disk does not fill up.</summary>
    [IterationCleanup]
    public void DropWrittenVersions()
    {
        if (_version > 1)
        {
            using var response = _api.DeleteChunkAsync(Key, below: _version).GetAwaiter().GetResult();
            Put(1);
            _version = 1;
        }
    }

    /// <summary>A new version of a 4 MiB chunk.</summary>
    [Benchmark(Description = "PUT 4 MiB chunk")]
    public void PutChunk() => Put(++_version);

    /// <summary>The whole chunk.</summary>
    [Benchmark(Description = "GET 4 MiB chunk")]
    public int GetChunk() => Get(offset: null, length: null, MicroCluster.ChunkSize);

    /// <summary>One block, as a 4 KiB read fetches it.</summary>
    [Benchmark(Description = "GET 64 KiB range")]
    public int GetRange() => Get(offset: 1024 * 1024, length: ChunkChecksum.BlockSize, ChunkChecksum.BlockSize);

    /// <summary>The digest of the whole stored chunk.</summary>
    [Benchmark(Description = "digest, 4 MiB")]
    public string FullDigest() => Digest(_api.GetDigestAsync(Key, 1).GetAwaiter().GetResult());

    /// <summary>The digest of one block (the rest from the block table), as a partial quorum read asks for it.</summary>
    [Benchmark(Description = "range digest, 64 KiB")]
    public string RangeDigest() =>
        Digest(_api.GetRangeDigestAsync(Key, 1, 1024 * 1024, ChunkChecksum.BlockSize).GetAwaiter().GetResult());

    private void Put(long version)
    {
        using var content = new ReadOnlyMemoryContent(_chunk);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = _api.PutChunkAsync(Key, version, _checksum, content).GetAwaiter().GetResult();
        MicroCluster.Check(response.IsSuccessStatusCode, $"PUT version {version} answered {(int)response.StatusCode}");
    }

    private int Get(long? offset, long? length, int expected, bool verify = false)
    {
        using var response = _api.GetChunkAsync(Key, 1, offset, length).GetAwaiter().GetResult();
        MicroCluster.Check(response.IsSuccessStatusCode, $"GET answered {(int)response.StatusCode}");
        using var body = response.Content.ReadAsStream();
        var total = 0;
        int read;
        while ((read = body.Read(_receive, total, _receive.Length - total)) > 0)
        {
            total += read;
        }

        MicroCluster.Check(total == expected, $"GET returned {total} bytes, expected {expected}");
        MicroCluster.Check(!verify || _receive.AsSpan(0, total).SequenceEqual(_chunk.AsSpan((int)(offset ?? 0), total)), "GET returned other bytes");
        return total;
    }

    private string Digest(ChunkDigest digest)
    {
        MicroCluster.Check(digest.Checksum == _checksum && digest.Intact, $"digest {digest.Checksum}, expected {_checksum}");
        return digest.Checksum;
    }
}
