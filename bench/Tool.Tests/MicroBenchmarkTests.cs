using ReplicaFs.Bench.Micro.Checksums;
using ReplicaFs.Bench.Micro.Chunks;
using ReplicaFs.Bench.Micro.Metadata;
using ReplicaFs.Bench.Micro.Quorum;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Bench.Tests;

/// <summary>
/// Every micro-benchmark run once, outside BenchmarkDotNet, against the same real servers it measures: each must give
/// the right answer (a benchmark of a wrong result measures nothing). Nothing here is timed.
/// </summary>
public sealed class MicroBenchmarkTests
{
    private const int ChunkSize = 4 * 1024 * 1024;

    [Fact]
    public void Checksum_benchmarks_agree_with_the_chunk_checksum()
    {
        var benchmarks = new ChecksumBenchmarks();
        benchmarks.Setup();

        var root = benchmarks.ChecksumChunk();
        Assert.Equal(root, benchmarks.Root());
        Assert.NotEqual(0UL, benchmarks.HashBlock());
        Assert.Equal(ChunkChecksum.BlockCount(ChunkSize), benchmarks.ParseHeader());
        Assert.True(ChunkChecksum.TryParseBlockHashes(benchmarks.FormatHeader(), out var hashes));
        Assert.Equal(root, ChunkChecksum.Root(hashes));
    }

    [Fact]
    public void Chunk_transfer_benchmarks_put_get_and_digest_a_chunk_on_a_real_data_server()
    {
        var benchmarks = new ChunkTransferBenchmarks();
        benchmarks.Setup();
        try
        {
            benchmarks.PutChunk();
            benchmarks.PutChunk();
            benchmarks.DropWrittenVersions();
            Assert.Equal(ChunkSize, benchmarks.GetChunk());
            Assert.Equal(ChunkChecksum.BlockSize, benchmarks.GetRange());
            Assert.Equal(benchmarks.FullDigest(), benchmarks.RangeDigest());
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    [Fact]
    public void Quorum_benchmarks_read_and_write_through_three_real_data_servers()
    {
        var benchmarks = new QuorumBenchmarks { ReadQuorum = 2 };
        benchmarks.Setup();
        try
        {
            Assert.Equal(4096, benchmarks.ReadSmall());
            Assert.Equal(ChunkSize, benchmarks.ReadChunk());
            benchmarks.WriteChunk();
            benchmarks.WriteSmall();
            Assert.Equal(4096, benchmarks.ReadSmall());
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }

    [Fact]
    public void Metadata_benchmarks_leave_the_tree_as_they_found_it()
    {
        var benchmarks = new MetadataBenchmarks();
        benchmarks.Setup();
        try
        {
            var ino = benchmarks.GetAttributes();
            Assert.Equal(ino, benchmarks.Lookup());
            benchmarks.MakeAndRemoveDirectory();
            benchmarks.MakeAndRemoveDirectory();
            benchmarks.CreateAndUnlink();
            benchmarks.CreateAndUnlink();
        }
        finally
        {
            benchmarks.Cleanup();
        }
    }
}
