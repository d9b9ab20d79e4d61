using BenchmarkDotNet.Attributes;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Bench.Micro.Checksums;

/// <summary>
/// The chunk checksum (XxHash3 per 64 KiB block, then a root over the block hashes): what every PUT, digest, GET
/// verification and scrub pays per byte, and the block-hash header of every ranged GET.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private const int ChunkSize = 4 * 1024 * 1024;
    private byte[] _chunk = [];
    private ulong[] _hashes = [];
    private string _header = string.Empty;

    /// <summary>A 4 MiB chunk of random bytes and its block hashes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _chunk = new byte[ChunkSize];
        new Random(42).NextBytes(_chunk);
        _hashes = new ulong[ChunkChecksum.BlockCount(ChunkSize)];
        ChunkChecksum.HashBlocks(_chunk, _hashes);
        _header = ChunkChecksum.FormatBlockHashes(_hashes);
    }

    /// <summary>One 64 KiB block.</summary>
    [Benchmark(Description = "hash one 64 KiB block")]
    public ulong HashBlock() => ChunkChecksum.HashBlock(_chunk.AsSpan(0, ChunkChecksum.BlockSize));

    /// <summary>A whole chunk: 64 block hashes and their root.</summary>
    [Benchmark(Description = "checksum of a 4 MiB chunk")]
    public ulong ChecksumChunk() => ChunkChecksum.Compute(_chunk);

    /// <summary>The root over 64 block hashes (a ranged read's check of the header against the committed checksum).</summary>
    [Benchmark(Description = "root of 64 block hashes")]
    public ulong Root() => ChunkChecksum.Root(_hashes);

    /// <summary>Formats the block-hash header of a ranged GET.</summary>
    [Benchmark(Description = "format block-hash header (64)")]
    public string FormatHeader() => ChunkChecksum.FormatBlockHashes(_hashes);

    /// <summary>Parses the block-hash header of a ranged GET.</summary>
    [Benchmark(Description = "parse block-hash header (64)")]
    public int ParseHeader() => ChunkChecksum.TryParseBlockHashes(_header, out var hashes) ? hashes.Length : -1;
}
