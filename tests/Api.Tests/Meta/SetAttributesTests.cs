using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>setattr: mode, owner, size and nanosecond timestamps (truncation with chunks is in <see cref="TruncateTests"/>).</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class SetAttributesTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chmod_changes_permission_bits_only_and_ctime()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");

        var changed = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Mode: PosixMode.Directory | 0xDED), Token);

        Assert.Equal(PosixMode.RegularFile | 0xDED, changed.Mode);
        Assert.Equal(FileKind.File, changed.Kind);
        Assert.True(changed.Ctime.TotalNanoseconds > file.Ctime.TotalNanoseconds);
        Assert.Equal(file.Mtime, changed.Mtime);
        Assert.Equal(file.Atime, changed.Atime);
        Assert.Equal(changed, await _api.AttributesAsync(file.Ino));
    }

    [Fact]
    public async Task Chown_changes_owner_and_group()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var changed = await _api.SetAttributesAsync(dir.Ino, new SetAttributesRequest(Uid: 0, Gid: 50), Token);
        Assert.Equal((0u, 50u), (changed.Uid, changed.Gid));
        Assert.Equal(PosixMode.Directory | 0x1ED, changed.Mode);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(dir.Ino, new SetAttributesRequest(Uid: uint.MaxValue), Token));
        Assert.Equal(0u, (await _api.AttributesAsync(dir.Ino)).Uid);
    }

    [Fact]
    public async Task Explicit_timestamps_keep_their_nanoseconds()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var atime = new Timestamp(1_234_567_890, 123_456_789);
        var mtime = new Timestamp(-5, 999_999_999);

        var changed = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Atime: atime, Mtime: mtime), Token);

        Assert.Equal((atime, mtime), (changed.Atime, changed.Mtime));
        Assert.True(changed.Ctime.TotalNanoseconds > file.Ctime.TotalNanoseconds);
        var read = await _api.AttributesAsync(file.Ino);
        Assert.Equal((atime, mtime), (read.Atime, read.Mtime));
    }

    [Fact]
    public async Task Now_flags_use_the_server_clock()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Atime: new Timestamp(1, 0), Mtime: new Timestamp(2, 0)), Token);

        var changed = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(AtimeNow: true, MtimeNow: true), Token);

        Assert.Equal(changed.Ctime, changed.Atime);
        Assert.Equal(changed.Ctime, changed.Mtime);
        Assert.True(changed.Atime.TotalNanoseconds >= file.Ctime.TotalNanoseconds);
    }

    [Fact]
    public async Task Every_setattr_changes_ctime_even_with_nothing_to_change()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var first = await _api.SetAttributesAsync(dir.Ino, new SetAttributesRequest(), Token);
        var second = await _api.SetAttributesAsync(dir.Ino, new SetAttributesRequest(), Token);
        Assert.True(second.Ctime.TotalNanoseconds > first.Ctime.TotalNanoseconds);
        Assert.Equal(first.Mtime, second.Mtime);
    }

    [Fact]
    public async Task Growing_a_file_changes_size_mtime_and_ctime()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");

        var grown = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 1_000_000), Token);

        Assert.Equal(1_000_000, grown.Size);
        Assert.True(grown.Mtime.TotalNanoseconds > file.Mtime.TotalNanoseconds);
        Assert.Equal(grown.Ctime, grown.Mtime);
        var page = await _api.GetChunksAsync(file.Ino, cancellationToken: Token);
        Assert.Empty(page.Chunks);
        Assert.Equal(1_000_000, page.Size);

        // The maximum file size is accepted, one byte more is not.
        Assert.Equal(1L << 50, (await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 1L << 50), Token)).Size);
    }

    [Fact]
    public async Task Setattr_errors_change_nothing()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var link = await _api.CreateSymlinkAsync(dir.Ino, new CreateSymlinkRequest("l", "f", 0, 0), Token);

        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.SetAttributesAsync(dir.Ino, new SetAttributesRequest(Size: 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(link.Ino, new SetAttributesRequest(Size: 0), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: -1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: (1L << 50) + 1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Mode: 0x1FF, Atime: new Timestamp(1, 1_000_000_000)), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Mtime: new Timestamp(1, -1)), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Atime: new Timestamp(1, 0), AtimeNow: true), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Mtime: new Timestamp(1, 0), MtimeNow: true), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.SetAttributesAsync(long.MaxValue, new SetAttributesRequest(Mode: 0), Token));

        Assert.Equal(file, await _api.AttributesAsync(file.Ino));
    }
}
