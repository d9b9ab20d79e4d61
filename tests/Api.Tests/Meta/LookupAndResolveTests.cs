using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>getattr, lookup and resolve (absolute paths, ".", "..", no symlink following).</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class LookupAndResolveTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lookup_finds_names_case_sensitively()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var upper = await _api.NewFileAsync(dir.Ino, "Name");
        var lower = await _api.NewFileAsync(dir.Ino, "name");

        Assert.Equal(upper, await _api.LookupAsync(dir.Ino, "Name", Token));
        Assert.Equal(lower.Ino, (await _api.LookupAsync(dir.Ino, "name", Token)).Ino);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(dir.Ino, "NAME", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.LookupAsync(upper.Ino, "x", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(long.MaxValue, "x", Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.LookupAsync(dir.Ino, "..", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => _api.LookupAsync(dir.Ino, new string('x', 256), Token));
    }

    [Fact]
    public async Task Resolve_walks_absolute_paths_with_dot_and_dotdot()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var a = await _api.NewDirectoryAsync(dir.Ino, "a");
        var b = await _api.NewDirectoryAsync(a.Ino, "b");
        var file = await _api.NewFileAsync(b.Ino, "file.txt");

        Assert.Equal(1, (await _api.ResolveAsync("/", Token)).Ino);
        Assert.Equal(1, (await _api.ResolveAsync("/..", Token)).Ino);
        Assert.Equal(1, (await _api.ResolveAsync("//./..//", Token)).Ino);
        Assert.Equal(file.Ino, (await _api.ResolveAsync($"{dir.Path}/a/b/file.txt", Token)).Ino);
        Assert.Equal(file.Ino, (await _api.ResolveAsync($"{dir.Path}//a/./b/../b/file.txt", Token)).Ino);
        Assert.Equal(a.Ino, (await _api.ResolveAsync($"{dir.Path}/a/b/..", Token)).Ino);
        Assert.Equal(b.Ino, (await _api.ResolveAsync($"{dir.Path}/a/b/", Token)).Ino);
        Assert.Equal(dir.Ino, (await _api.ResolveAsync($"{dir.Path}/a/../../{dir.Path[1..]}", Token)).Ino);
    }

    [Fact]
    public async Task Resolve_errors()
    {
        var dir = await _api.NewTestDirectoryAsync();
        await _api.NewFileAsync(dir.Ino, "file");

        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ResolveAsync("relative/path", Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ResolveAsync(string.Empty, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ResolveAsync($"{dir.Path}/missing", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ResolveAsync($"{dir.Path}/missing/deeper", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.ResolveAsync($"{dir.Path}/file/x", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.ResolveAsync($"{dir.Path}/file/", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.ResolveAsync($"{dir.Path}/file/..", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => _api.ResolveAsync($"{dir.Path}/{new string('x', 256)}", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => _api.ResolveAsync("/" + string.Join('/', Enumerable.Repeat("abcdefg", 600)), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ResolveAsync("/a\0b", Token));
    }

    [Fact]
    public async Task Resolve_does_not_follow_symlinks()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var target = await _api.NewDirectoryAsync(dir.Ino, "target");
        await _api.NewFileAsync(target.Ino, "inside");
        var link = await _api.CreateSymlinkAsync(dir.Ino, new CreateSymlinkRequest("link", "target", 0, 0), Token);

        Assert.Equal(link.Ino, (await _api.ResolveAsync($"{dir.Path}/link", Token)).Ino);
        Assert.Equal(FileKind.Symlink, (await _api.ResolveAsync($"{dir.Path}/link", Token)).Kind);
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.ResolveAsync($"{dir.Path}/link/inside", Token));
    }

    [Fact]
    public async Task Getattr_of_unknown_inodes_is_ENOENT()
    {
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(long.MaxValue));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(0));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(-3));
    }
}
