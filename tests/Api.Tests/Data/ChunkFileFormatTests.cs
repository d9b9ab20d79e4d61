using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>Format 1 of the chunk file header and file names (pure logic).</summary>
public sealed class ChunkFileFormatTests
{
    [FsCheck.Xunit.Property]
    public bool A_header_reads_back_as_written(long version, uint length, ulong checksum, long createdAt)
    {
        var header = new ChunkFileHeader(Math.Max(1, Math.Abs(version % long.MaxValue)), length % (64 * 1024 * 1024), checksum, createdAt);
        var bytes = new byte[ChunkFileHeader.Size];
        header.WriteTo(bytes);
        return ChunkFileHeader.TryRead(bytes, out var read, out _) && read == header;
    }

    [Fact]
    public void The_header_layout_is_the_documented_one()
    {
        var bytes = new byte[ChunkFileHeader.Size];
        new ChunkFileHeader(0x0102030405060708, (3 * ChunkChecksum.BlockSize) + 1, 0xAABBCCDDEEFF0011, 1_700_000_000_000).WriteTo(bytes);

        Assert.Equal("RFSCHUNK"u8.ToArray(), bytes[..8]);
        Assert.Equal(1, BitConverter.ToUInt16(bytes, 8));
        Assert.Equal(64, BitConverter.ToUInt16(bytes, 10));
        Assert.Equal(0u, BitConverter.ToUInt32(bytes, 12));
        Assert.Equal(0x0102030405060708, BitConverter.ToInt64(bytes, 16));
        Assert.Equal((3 * ChunkChecksum.BlockSize) + 1, BitConverter.ToInt64(bytes, 24));
        Assert.Equal(0xAABBCCDDEEFF0011, BitConverter.ToUInt64(bytes, 32));
        Assert.Equal(4u, BitConverter.ToUInt32(bytes, 40));
        Assert.Equal((uint)ChunkChecksum.BlockSize, BitConverter.ToUInt32(bytes, 44));
        Assert.Equal(1_700_000_000_000, BitConverter.ToInt64(bytes, 48));
        Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64(bytes.AsSpan(0, 56)), BitConverter.ToUInt64(bytes, 56));
    }

    [Fact]
    public void Any_damaged_header_byte_is_detected()
    {
        var bytes = new byte[ChunkFileHeader.Size];
        new ChunkFileHeader(5, 123_456, 42, 99).WriteTo(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= 0x10;
            Assert.False(ChunkFileHeader.TryRead(bytes, out _, out var problem), $"byte {i}");
            Assert.NotEmpty(problem);
            bytes[i] ^= 0x10;
        }

        Assert.True(ChunkFileHeader.TryRead(bytes, out _, out _));
        Assert.False(ChunkFileHeader.TryRead(bytes.AsSpan(0, 63), out _, out _));
    }

    [Theory]
    [InlineData("abc", 1, "abc.0000000000000001.chunk")]
    [InlineData("00000000000000ff", 0x7fffffffffffffff, "00000000000000ff.7fffffffffffffff.chunk")]
    public void File_names_round_trip(string key, long version, string name)
    {
        Assert.Equal(name, ChunkPaths.FileName(key, version));
        Assert.True(ChunkPaths.TryParseFileName(name, out var parsedKey, out var parsedVersion));
        Assert.Equal((key, version), (parsedKey, parsedVersion));
    }

    [Theory]
    [InlineData("abc.0000000000000000.chunk")]
    [InlineData("abc.000000000000000A.chunk")]
    [InlineData("abc.8000000000000000.chunk")]
    [InlineData("abc.1.chunk")]
    [InlineData("abc.0000000000000001.tmp")]
    [InlineData(".0000000000000001.chunk")]
    [InlineData("-x.0000000000000001.chunk")]
    [InlineData("a.b.0000000000000001.chunk")]
    public void Other_file_names_are_not_chunks(string name) =>
        Assert.False(ChunkPaths.TryParseFileName(name, out _, out _));

    [Fact]
    public void Sequential_keys_spread_over_the_shards()
    {
        var shards = Enumerable.Range(1, 4096).Select(id => ChunkPaths.Shard(ChunkKey.FromId(id))).ToHashSet();
        Assert.True(shards.Count > 3500, $"{shards.Count} shards for 4096 sequential keys");
        Assert.All(shards, s => Assert.Matches("^[0-9a-f]{2}$", s.Outer));
    }
}
