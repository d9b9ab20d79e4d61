using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Contracts.Tests;

public class FileNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("my.txt")]
    [InlineData("...")]
    [InlineData("名前")]
    [InlineData("with space and % and ?")]
    public void Ordinary_names_are_valid(string name) => Assert.Equal(Errno.None, FileNames.Validate(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\0b")]
    public void Reserved_names_are_EINVAL(string name) => Assert.Equal(Errno.EINVAL, FileNames.Validate(name));

    [Fact]
    public void Names_are_limited_to_255_utf8_bytes()
    {
        Assert.Equal(Errno.None, FileNames.Validate(new string('x', 255)));
        Assert.Equal(Errno.ENAMETOOLONG, FileNames.Validate(new string('x', 256)));
        // 128 two-byte characters are 256 bytes.
        Assert.Equal(Errno.ENAMETOOLONG, FileNames.Validate(new string('é', 128)));
    }

    [Fact]
    public void Lone_surrogates_are_EILSEQ() => Assert.Equal(Errno.EILSEQ, FileNames.Validate("a\ud800b"));

    [Fact]
    public void EnsureValid_throws_with_the_errno()
    {
        var ex = Assert.Throws<PosixException>(() => FileNames.EnsureValid(".."));
        Assert.Equal(Errno.EINVAL, ex.Errno);
    }
}
