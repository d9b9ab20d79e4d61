using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The rename matrix: replace, no-replace, exchange, directories, link counts, subtree and errno cases.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class RenameTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Task RenameAsync(long parent, string name, long newParent, string newName, RenameMode mode = RenameMode.Replace, bool keepOrphan = false) =>
        _api.RenameAsync(new RenameRequest(parent, name, newParent, newName, mode, keepOrphan), Token);

    [Fact]
    public async Task Rename_in_one_directory_keeps_the_inode_and_the_cookie()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "old");
        var cookie = (await _api.ListAllAsync(dir.Ino)).Single().Cookie;

        await RenameAsync(dir.Ino, "old", dir.Ino, "new");

        var entry = Assert.Single(await _api.ListAllAsync(dir.Ino));
        Assert.Equal(("new", cookie, file.Ino), (entry.Name, entry.Cookie, entry.Attributes.Ino));
        Assert.True(entry.Attributes.Ctime.TotalNanoseconds > file.Ctime.TotalNanoseconds);
        Assert.Equal(file.Mtime, entry.Attributes.Mtime);
        var parent = await _api.AttributesAsync(dir.Ino);
        Assert.True(parent.Mtime.TotalNanoseconds >= entry.Attributes.Ctime.TotalNanoseconds);
        Assert.Equal(2, parent.Nlink);
    }

    [Fact]
    public async Task Moving_a_file_across_directories_leaves_their_link_counts()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var a = await _api.NewDirectoryAsync(dir.Ino, "a");
        var b = await _api.NewDirectoryAsync(dir.Ino, "b");
        var file = await _api.NewFileAsync(a.Ino, "f");

        await RenameAsync(a.Ino, "f", b.Ino, "g");

        Assert.Empty(await _api.ListAllAsync(a.Ino));
        Assert.Equal(file.Ino, (await _api.LookupAsync(b.Ino, "g", Token)).Ino);
        Assert.Equal((2, 2), ((await _api.AttributesAsync(a.Ino)).Nlink, (await _api.AttributesAsync(b.Ino)).Nlink));
    }

    [Fact]
    public async Task Moving_a_directory_moves_its_parent_link()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var a = await _api.NewDirectoryAsync(dir.Ino, "a");
        var b = await _api.NewDirectoryAsync(dir.Ino, "b");
        var moved = await _api.NewDirectoryAsync(a.Ino, "moved");
        await _api.NewFileAsync(moved.Ino, "inside");
        Assert.Equal(3, (await _api.AttributesAsync(a.Ino)).Nlink);

        await RenameAsync(a.Ino, "moved", b.Ino, "here");

        Assert.Equal(2, (await _api.AttributesAsync(a.Ino)).Nlink);
        Assert.Equal(3, (await _api.AttributesAsync(b.Ino)).Nlink);
        Assert.Equal(2, (await _api.AttributesAsync(moved.Ino)).Nlink);
        Assert.Equal(moved.Ino, (await _api.ResolveAsync(PathOf(dir, "b/here"), Token)).Ino);
        Assert.Equal(b.Ino, (await _api.ResolveAsync(PathOf(dir, "b/here/.."), Token)).Ino);
        Assert.Single(await _api.ListAllAsync(moved.Ino));
    }

    [Fact]
    public async Task Replacing_a_file_takes_a_link_from_the_target_and_deletes_it_at_zero()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var source = await _api.NewFileAsync(dir.Ino, "src");
        var target = await _api.NewFileAsync(dir.Ino, "dst");
        var shared = await _api.NewFileAsync(dir.Ino, "shared");
        await _api.LinkAsync(dir.Ino, new LinkRequest("shared2", shared.Ino), Token);
        var other = await _api.NewFileAsync(dir.Ino, "other");

        await RenameAsync(dir.Ino, "src", dir.Ino, "dst");
        Assert.Equal(source.Ino, (await _api.LookupAsync(dir.Ino, "dst", Token)).Ino);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(target.Ino));

        // The target had another link: it survives with one less.
        await RenameAsync(dir.Ino, "other", dir.Ino, "shared");
        Assert.Equal(1, (await _api.AttributesAsync(shared.Ino)).Nlink);
        Assert.Equal(other.Ino, (await _api.LookupAsync(dir.Ino, "shared", Token)).Ino);
        Assert.Equal(["dst", "shared", "shared2"], (await _api.ListAllAsync(dir.Ino)).Select(e => e.Name).Order());
    }

    [Fact]
    public async Task A_replaced_target_can_be_kept_as_an_orphan()
    {
        var dir = await _api.NewTestDirectoryAsync();
        await _api.NewFileAsync(dir.Ino, "src");
        var target = await _api.NewFileAsync(dir.Ino, "dst");

        await RenameAsync(dir.Ino, "src", dir.Ino, "dst", keepOrphan: true);

        Assert.Equal(0, (await _api.AttributesAsync(target.Ino)).Nlink);
        await _api.ReclaimAsync(target.Ino, Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(target.Ino));
    }

    [Fact]
    public async Task A_directory_replaces_only_an_empty_directory()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var a = await _api.NewDirectoryAsync(dir.Ino, "a");
        var b = await _api.NewDirectoryAsync(dir.Ino, "b");
        var moving = await _api.NewDirectoryAsync(a.Ino, "moving");
        var empty = await _api.NewDirectoryAsync(b.Ino, "empty");
        var full = await _api.NewDirectoryAsync(b.Ino, "full");
        await _api.NewFileAsync(full.Ino, "x");

        await ProblemAssert.ErrnoAsync(Errno.ENOTEMPTY, () => RenameAsync(a.Ino, "moving", b.Ino, "full"));
        Assert.Equal(moving.Ino, (await _api.LookupAsync(a.Ino, "moving", Token)).Ino);

        await RenameAsync(a.Ino, "moving", b.Ino, "empty");
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(empty.Ino));
        Assert.Equal(moving.Ino, (await _api.LookupAsync(b.Ino, "empty", Token)).Ino);
        Assert.Equal(2, (await _api.AttributesAsync(a.Ino)).Nlink);
        // b lost "empty" and gained "moving": still two subdirectories.
        Assert.Equal(4, (await _api.AttributesAsync(b.Ino)).Nlink);
    }

    [Fact]
    public async Task Kind_mismatches_are_ENOTDIR_and_EISDIR()
    {
        var dir = await _api.NewTestDirectoryAsync();
        await _api.NewDirectoryAsync(dir.Ino, "d");
        await _api.NewFileAsync(dir.Ino, "f");

        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => RenameAsync(dir.Ino, "d", dir.Ino, "f"));
        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => RenameAsync(dir.Ino, "f", dir.Ino, "d"));
        Assert.Equal(["d", "f"], (await _api.ListAllAsync(dir.Ino)).Select(e => e.Name).Order());
    }

    [Fact]
    public async Task A_directory_cannot_move_into_its_own_subtree()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var top = await _api.NewDirectoryAsync(dir.Ino, "top");
        var mid = await _api.NewDirectoryAsync(top.Ino, "mid");
        var low = await _api.NewDirectoryAsync(mid.Ino, "low");

        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "top", low.Ino, "loop"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "top", top.Ino, "self"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "top", mid.Ino, "x", RenameMode.NoReplace));
        // A target that contains the source is not empty.
        await ProblemAssert.ErrnoAsync(Errno.ENOTEMPTY, () => RenameAsync(mid.Ino, "low", dir.Ino, "top"));

        Assert.Equal(low.Ino, (await _api.ResolveAsync(PathOf(dir, "top/mid/low"), Token)).Ino);
    }

    [Fact]
    public async Task NoReplace_fails_on_an_existing_target_and_moves_otherwise()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var a = await _api.NewFileAsync(dir.Ino, "a");
        var b = await _api.NewFileAsync(dir.Ino, "b");

        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => RenameAsync(dir.Ino, "a", dir.Ino, "b", RenameMode.NoReplace));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => RenameAsync(dir.Ino, "a", dir.Ino, "a", RenameMode.NoReplace));
        Assert.Equal(b.Ino, (await _api.LookupAsync(dir.Ino, "b", Token)).Ino);

        await RenameAsync(dir.Ino, "a", dir.Ino, "c", RenameMode.NoReplace);
        Assert.Equal(a.Ino, (await _api.LookupAsync(dir.Ino, "c", Token)).Ino);
    }

    [Fact]
    public async Task Exchange_swaps_a_file_and_a_directory_across_directories_and_fixes_link_counts()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var left = await _api.NewDirectoryAsync(dir.Ino, "left");
        var right = await _api.NewDirectoryAsync(dir.Ino, "right");
        var file = await _api.NewFileAsync(left.Ino, "x");
        var sub = await _api.NewDirectoryAsync(right.Ino, "y");
        var cookies = (await _api.ListAllAsync(left.Ino)).Single().Cookie;

        await RenameAsync(left.Ino, "x", right.Ino, "y", RenameMode.Exchange);

        Assert.Equal(sub.Ino, (await _api.LookupAsync(left.Ino, "x", Token)).Ino);
        Assert.Equal(file.Ino, (await _api.LookupAsync(right.Ino, "y", Token)).Ino);
        Assert.Equal(cookies, (await _api.ListAllAsync(left.Ino)).Single().Cookie);
        Assert.Equal(3, (await _api.AttributesAsync(left.Ino)).Nlink);
        Assert.Equal(2, (await _api.AttributesAsync(right.Ino)).Nlink);
        Assert.Equal(left.Ino, (await _api.ResolveAsync(PathOf(dir, "left/x/.."), Token)).Ino);
    }

    [Fact]
    public async Task Exchange_needs_both_names_and_respects_the_subtree_rule()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var outer = await _api.NewDirectoryAsync(dir.Ino, "outer");
        var inner = await _api.NewDirectoryAsync(outer.Ino, "inner");
        await _api.NewFileAsync(dir.Ino, "f");

        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => RenameAsync(dir.Ino, "f", dir.Ino, "missing", RenameMode.Exchange));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "outer", outer.Ino, "inner", RenameMode.Exchange));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(outer.Ino, "inner", dir.Ino, "outer", RenameMode.Exchange));
        Assert.Equal(inner.Ino, (await _api.ResolveAsync(PathOf(dir, "outer/inner"), Token)).Ino);

        // Two files in one directory simply trade places.
        var f = await _api.LookupAsync(dir.Ino, "f", Token);
        var g = await _api.NewFileAsync(dir.Ino, "g");
        await RenameAsync(dir.Ino, "f", dir.Ino, "g", RenameMode.Exchange);
        Assert.Equal((g.Ino, f.Ino), ((await _api.LookupAsync(dir.Ino, "f", Token)).Ino, (await _api.LookupAsync(dir.Ino, "g", Token)).Ino));
        Assert.Equal(3, (await _api.AttributesAsync(dir.Ino)).Nlink);
    }

    [Fact]
    public async Task Renaming_onto_another_link_of_the_same_inode_does_nothing()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "a");
        await _api.LinkAsync(dir.Ino, new LinkRequest("b", file.Ino), Token);

        await RenameAsync(dir.Ino, "a", dir.Ino, "b");
        await RenameAsync(dir.Ino, "a", dir.Ino, "a");

        Assert.Equal(["a", "b"], (await _api.ListAllAsync(dir.Ino)).Select(e => e.Name).Order());
        Assert.Equal(2, (await _api.AttributesAsync(file.Ino)).Nlink);
    }

    [Fact]
    public async Task Rename_errors()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");

        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => RenameAsync(dir.Ino, "missing", dir.Ino, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => RenameAsync(long.MaxValue, "f", dir.Ino, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => RenameAsync(dir.Ino, "f", long.MaxValue, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => RenameAsync(dir.Ino, "f", file.Ino, "x"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "f", dir.Ino, "a/b"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "f", dir.Ino, ".."));
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => RenameAsync(dir.Ino, "f", dir.Ino, new string('n', 256)));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => RenameAsync(dir.Ino, "f", dir.Ino, "g", (RenameMode)7));

        Assert.Equal(file.Ino, Assert.Single(await _api.ListAllAsync(dir.Ino)).Attributes.Ino);
    }

    private static string PathOf(TestDirectory testDirectory, string relative) => $"{testDirectory.Path}/{relative}";
}
