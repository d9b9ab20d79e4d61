using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>create, mkdir, symlink, readlink, unlink, rmdir and their errno cases.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class CreateAndRemoveTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_is_inode_1_a_directory_0755_owned_by_root()
    {
        var root = await _api.AttributesAsync(1);
        Assert.Equal(FileKind.Directory, root.Kind);
        Assert.Equal(PosixMode.Directory | 0x1ED, root.Mode);
        Assert.Equal(0u, root.Uid);
        Assert.Equal(0u, root.Gid);
        Assert.True(root.Nlink >= 2);
        Assert.Equal(1, root.Generation);
    }

    [Fact]
    public async Task Mkdir_creates_a_directory_with_nlink_2_and_gives_the_parent_a_link()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var created = await _api.MakeDirectoryAsync(parent.Ino, new MakeDirectoryRequest("sub", 0x1C0 | PosixMode.TypeMask, 7, 8), Token);

        Assert.Equal(FileKind.Directory, created.Kind);
        Assert.Equal(PosixMode.Directory | 0x1C0, created.Mode);
        Assert.Equal((7u, 8u), (created.Uid, created.Gid));
        Assert.Equal(2, created.Nlink);
        Assert.Equal(0, created.Size);
        Assert.Equal(created.Ctime, created.Mtime);

        var after = await _api.AttributesAsync(parent.Ino);
        Assert.Equal(3, after.Nlink);
        Assert.True(after.Mtime.TotalNanoseconds >= created.Ctime.TotalNanoseconds);
        Assert.Equal(after.Mtime, after.Ctime);
        Assert.Equal(created.Ino, (await _api.LookupAsync(parent.Ino, "sub", Token)).Ino);
    }

    [Fact]
    public async Task Mkdir_errors()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(parent.Ino, "file");
        await _api.NewDirectoryAsync(parent.Ino, "taken");

        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.NewDirectoryAsync(parent.Ino, "taken"));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.NewDirectoryAsync(parent.Ino, "file"));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.NewDirectoryAsync(file.Ino, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.NewDirectoryAsync(long.MaxValue, "x"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.NewDirectoryAsync(0, "x"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.NewDirectoryAsync(parent.Ino, "a/b"));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.NewDirectoryAsync(parent.Ino, ".."));
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => _api.NewDirectoryAsync(parent.Ino, new string('x', 256)));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.MakeDirectoryAsync(parent.Ino, new MakeDirectoryRequest("uid", 0x1ED, uint.MaxValue, 0), Token));

        // A 255-byte name is fine.
        await _api.NewDirectoryAsync(parent.Ino, new string('y', 255));
        Assert.Equal(4, (await _api.AttributesAsync(parent.Ino)).Nlink);
    }

    [Fact]
    public async Task Create_makes_a_regular_file_and_honours_exclusive()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var file = await _api.CreateFileAsync(parent.Ino, new CreateFileRequest("f", 0x1B6 | PosixMode.Directory, 10, 20), Token);
        Assert.Equal(FileKind.File, file.Kind);
        Assert.Equal(PosixMode.RegularFile | 0x1B6, file.Mode);
        Assert.Equal((1, 0L, 10u, 20u), (file.Nlink, file.Size, file.Uid, file.Gid));
        Assert.Equal(2, (await _api.AttributesAsync(parent.Ino)).Nlink);

        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.CreateFileAsync(parent.Ino, new CreateFileRequest("f", 0x1A4, 1, 1), Token));

        var again = await _api.CreateFileAsync(parent.Ino, new CreateFileRequest("f", 0x1FF, 1, 1, Exclusive: false), Token);
        Assert.Equal(file.Ino, again.Ino);
        Assert.Equal(file.Mode, again.Mode);

        await _api.NewDirectoryAsync(parent.Ino, "dir");
        await _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("link", "f", 1, 1), Token);
        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.CreateFileAsync(parent.Ino, new CreateFileRequest("dir", 0x1A4, 1, 1, Exclusive: false), Token));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.CreateFileAsync(parent.Ino, new CreateFileRequest("dir", 0x1A4, 1, 1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.CreateFileAsync(parent.Ino, new CreateFileRequest("link", 0x1A4, 1, 1, Exclusive: false), Token));
    }

    [Fact]
    public async Task Create_answers_201_with_a_location_and_200_for_an_existing_file()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var http = fixture.Cluster.Http;
        var url = new Uri(fixture.Cluster.MetaUrl, $"/api/fs/inodes/{parent.Ino}/files");
        using var created = await http.PostAsync(url, Json("""{"name":"f","mode":420,"uid":1,"gid":1,"exclusive":false}"""), Token);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var ino = (await _api.LookupAsync(parent.Ino, "f", Token)).Ino;
        Assert.Equal($"/api/fs/inodes/{ino}", created.Headers.Location?.OriginalString);

        using var existing = await http.PostAsync(url, Json("""{"name":"f","mode":420,"uid":1,"gid":1,"exclusive":false}"""), Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, existing.StatusCode);
    }

    [Fact]
    public async Task Symlink_stores_its_target_with_mode_0777_and_the_utf8_length_as_size()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var target = "../ziel/ünïcode";
        var link = await _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("l", target, 3, 4), Token);
        Assert.Equal(FileKind.Symlink, link.Kind);
        Assert.Equal(PosixMode.Symlink | 0x1FF, link.Mode);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(target), link.Size);
        Assert.Equal((3u, 4u, 1), (link.Uid, link.Gid, link.Nlink));
        Assert.Equal(target, (await _api.ReadLinkAsync(link.Ino, Token)).Target);

        var longest = new string('t', 4095);
        Assert.Equal(4095, (await _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("long", longest, 0, 0), Token)).Size);
        await ProblemAssert.ErrnoAsync(Errno.ENAMETOOLONG, () => _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("toolong", longest + "t", 0, 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("empty", string.Empty, 0, 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("nul", "a\0b", 0, 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.CreateSymlinkAsync(parent.Ino, new CreateSymlinkRequest("l", "x", 0, 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(parent.Ino, "toolong", Token));
    }

    [Fact]
    public async Task Readlink_of_anything_but_a_symlink_is_EINVAL()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(parent.Ino, "f");
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReadLinkAsync(file.Ino, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReadLinkAsync(parent.Ino, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReadLinkAsync(long.MaxValue - 1, Token));
    }

    [Fact]
    public async Task Unlink_removes_the_entry_and_deletes_the_inode_at_zero_links()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(parent.Ino, "f");
        await _api.UnlinkAsync(parent.Ino, "f", cancellationToken: Token);

        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(parent.Ino, "f", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(file.Ino));
        Assert.Empty(await _api.ListAllAsync(parent.Ino));
        var dir = await _api.AttributesAsync(parent.Ino);
        Assert.True(dir.Mtime.TotalNanoseconds >= file.Ctime.TotalNanoseconds);
    }

    [Fact]
    public async Task Unlink_errors()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(parent.Ino, "f");
        await _api.NewDirectoryAsync(parent.Ino, "d");

        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.UnlinkAsync(parent.Ino, "d", cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.UnlinkAsync(parent.Ino, "missing", cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.UnlinkAsync(file.Ino, "x", cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.UnlinkAsync(long.MaxValue, "x", cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.UnlinkAsync(parent.Ino, "a/f", cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.UnlinkAsync(parent.Ino, string.Empty, cancellationToken: Token));

        Assert.Equal(["d", "f"], (await _api.ListAllAsync(parent.Ino)).Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Rmdir_removes_an_empty_directory_and_takes_the_parent_link()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var sub = await _api.NewDirectoryAsync(parent.Ino, "sub");
        Assert.Equal(3, (await _api.AttributesAsync(parent.Ino)).Nlink);

        await _api.RemoveDirectoryAsync(parent.Ino, "sub", Token);

        Assert.Equal(2, (await _api.AttributesAsync(parent.Ino)).Nlink);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(sub.Ino));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(parent.Ino, "sub", Token));
    }

    [Fact]
    public async Task Rmdir_errors()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var full = await _api.NewDirectoryAsync(parent.Ino, "full");
        await _api.NewFileAsync(full.Ino, "inside");
        await _api.NewFileAsync(parent.Ino, "file");

        await ProblemAssert.ErrnoAsync(Errno.ENOTEMPTY, () => _api.RemoveDirectoryAsync(parent.Ino, "full", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.RemoveDirectoryAsync(parent.Ino, "file", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.RemoveDirectoryAsync(parent.Ino, "missing", Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RemoveDirectoryAsync(parent.Ino, ".", Token));
        await ProblemAssert.ErrnoAsync(Errno.EBUSY, () => _api.ReclaimAsync(1, Token));

        Assert.Equal(3, (await _api.AttributesAsync(parent.Ino)).Nlink);
        Assert.Single(await _api.ListAllAsync(full.Ino));
    }

    [Fact]
    public async Task Setgid_directories_pass_their_group_to_children_and_the_bit_to_subdirectories()
    {
        var parent = await _api.NewTestDirectoryAsync();
        var shared = await _api.MakeDirectoryAsync(parent.Ino, new MakeDirectoryRequest("shared", 0x1ED | PosixMode.SetGid, 1000, 4242), Token);
        Assert.Equal(PosixMode.Directory | 0x1ED | PosixMode.SetGid, shared.Mode);

        var file = await _api.CreateFileAsync(shared.Ino, new CreateFileRequest("f", 0x1A4, 1001, 1001), Token);
        var dir = await _api.MakeDirectoryAsync(shared.Ino, new MakeDirectoryRequest("d", 0x1ED, 1001, 1001), Token);
        var link = await _api.CreateSymlinkAsync(shared.Ino, new CreateSymlinkRequest("l", "f", 1001, 1001), Token);

        Assert.Equal((1001u, 4242u), (file.Uid, file.Gid));
        Assert.Equal(PosixMode.RegularFile | 0x1A4, file.Mode);
        Assert.Equal(4242u, dir.Gid);
        Assert.Equal(PosixMode.Directory | 0x1ED | PosixMode.SetGid, dir.Mode);
        Assert.Equal(4242u, link.Gid);

        // Outside a setgid directory the caller's group is used.
        var plain = await _api.CreateFileAsync(parent.Ino, new CreateFileRequest("plain", 0x1A4, 1001, 1001), Token);
        Assert.Equal(1001u, plain.Gid);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
