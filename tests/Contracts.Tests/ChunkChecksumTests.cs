using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Contracts.Tests;

public class ChunkChecksumTests
{
    [FsCheck.Xunit.Property]
    public bool Format_and_parse_round_trip(ulong value) =>
        ChunkChecksum.TryParse(ChunkChecksum.Format(value), out var parsed) && parsed == value;

    [FsCheck.Xunit.Property]
    public bool Block_hashes_round_trip_through_their_header_form(ulong[] hashes) =>
        ChunkChecksum.TryParseBlockHashes(ChunkChecksum.FormatBlockHashes(hashes), out var parsed) && parsed.SequenceEqual(hashes);

    [FsCheck.Xunit.Property(MaxTest = 30)]
    public bool Checksum_is_the_root_of_the_block_hashes(byte[] seed, ushort extraBlocks)
    {
        // Build data that spans several blocks, with a short last block.
        var data = new byte[(seed.Length * 997) + (extraBlocks % 5 * ChunkChecksum.BlockSize)];
        new Random(seed.Length).NextBytes(data);
        var hashes = new ulong[ChunkChecksum.BlockCount(data.Length)];
        ChunkChecksum.HashBlocks(data, hashes);
        return ChunkChecksum.Compute(data) == ChunkChecksum.Root(hashes);
    }

    [Fact]
    public void Any_flipped_byte_changes_the_checksum()
    {
        var data = new byte[(3 * ChunkChecksum.BlockSize) + 123];
        new Random(42).NextBytes(data);
        var original = ChunkChecksum.Compute(data);
        foreach (var position in new[] { 0, ChunkChecksum.BlockSize - 1, ChunkChecksum.BlockSize, data.Length - 1 })
        {
            data[position] ^= 0x01;
            Assert.NotEqual(original, ChunkChecksum.Compute(data));
            data[position] ^= 0x01;
        }

        Assert.Equal(original, ChunkChecksum.Compute(data));
    }

    [Fact]
    public void Appending_zeros_changes_the_checksum()
    {
        var data = new byte[1000];
        var longer = new byte[1001];
        Assert.NotEqual(ChunkChecksum.Compute(data), ChunkChecksum.Compute(longer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcde")]
    [InlineData("0123456789abcdefa")]
    [InlineData("g123456789abcdef")]
    [InlineData(" 123456789abcdef")]
    public void Malformed_checksums_are_rejected(string text) =>
        Assert.False(ChunkChecksum.TryParse(text, out _));

    [Fact]
    public void Block_count_rounds_up()
    {
        Assert.Equal(0, ChunkChecksum.BlockCount(0));
        Assert.Equal(1, ChunkChecksum.BlockCount(1));
        Assert.Equal(1, ChunkChecksum.BlockCount(ChunkChecksum.BlockSize));
        Assert.Equal(2, ChunkChecksum.BlockCount(ChunkChecksum.BlockSize + 1));
    }
}
