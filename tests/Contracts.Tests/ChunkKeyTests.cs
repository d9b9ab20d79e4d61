using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Contracts.Tests;

public class ChunkKeyTests
{
    [Theory]
    [InlineData(1L, "0000000000000001")]
    [InlineData(255L, "00000000000000ff")]
    [InlineData(long.MaxValue, "7fffffffffffffff")]
    public void Keys_are_sixteen_hex_digits(long id, string key)
    {
        Assert.Equal(key, ChunkKey.FromId(id));
        Assert.True(ChunkKey.TryParseId(key, out var parsed));
        Assert.Equal(id, parsed);
        Assert.True(ChunkKey.IsValid(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData("-rf")]
    [InlineData("_x")]
    [InlineData("a b")]
    [InlineData("ключ")]
    [InlineData("x.chunk")]
    public void Keys_that_could_name_another_path_are_invalid(string key) => Assert.False(ChunkKey.IsValid(key));

    [Fact]
    public void Keys_longer_than_the_limit_are_invalid()
    {
        Assert.True(ChunkKey.IsValid(new string('a', ChunkKey.MaxLength)));
        Assert.False(ChunkKey.IsValid(new string('a', ChunkKey.MaxLength + 1)));
    }

    [Fact]
    public void Ids_must_be_positive() => Assert.Throws<ArgumentOutOfRangeException>(() => ChunkKey.FromId(0));

    [Theory]
    [InlineData("000000000000000A")]
    [InlineData("0000000000000000")]
    [InlineData("abc")]
    public void Only_canonical_id_keys_parse(string key) => Assert.False(ChunkKey.TryParseId(key, out _));
}
