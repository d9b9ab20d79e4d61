using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Hard links (nlink, EPERM, EEXIST, EMLINK) and orphans kept open by a client until reclaimed.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class HardLinkAndOrphanTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_hard_link_shares_the_inode_and_counts_in_nlink()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var other = await _api.NewDirectoryAsync(dir.Ino, "other");
        var file = await _api.NewFileAsync(dir.Ino, "a");

        var linked = await _api.LinkAsync(other.Ino, new LinkRequest("b", file.Ino), Token);
        Assert.Equal(file.Ino, linked.Ino);
        Assert.Equal(2, linked.Nlink);
        Assert.True(linked.Ctime.TotalNanoseconds >= file.Ctime.TotalNanoseconds);
        Assert.Equal(2, (await _api.LookupAsync(dir.Ino, "a", Token)).Nlink);
        Assert.Equal(file.Ino, (await _api.LookupAsync(other.Ino, "b", Token)).Ino);
        // A link to a file does not change the directory link count.
        Assert.Equal(2, (await _api.AttributesAsync(other.Ino)).Nlink);

        await _api.UnlinkAsync(dir.Ino, "a", cancellationToken: Token);
        var remaining = await _api.LookupAsync(other.Ino, "b", Token);
        Assert.Equal(1, remaining.Nlink);

        await _api.UnlinkAsync(other.Ino, "b", cancellationToken: Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(file.Ino));
    }

    [Fact]
    public async Task Link_errors()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "a");
        var sub = await _api.NewDirectoryAsync(dir.Ino, "sub");

        await ProblemAssert.ErrnoAsync(Errno.EPERM, () => _api.LinkAsync(dir.Ino, new LinkRequest("dirlink", sub.Ino), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LinkAsync(dir.Ino, new LinkRequest("ghost", long.MaxValue), Token));
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.LinkAsync(dir.Ino, new LinkRequest("sub", file.Ino), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.LinkAsync(file.Ino, new LinkRequest("x", file.Ino), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.LinkAsync(dir.Ino, new LinkRequest("x/y", file.Ino), Token));

        Assert.Equal(1, (await _api.AttributesAsync(file.Ino)).Nlink);
        Assert.Equal(["a", "sub"], (await _api.ListAllAsync(dir.Ino)).Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Link_count_is_capped_at_65000_with_EMLINK()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "a");
        await _api.LinkAsync(dir.Ino, new LinkRequest("b", file.Ino), Token);

        // 65,000 real links would take minutes; give the inode the count directly and let meta check it.
        using (var db = MetaDatabaseFile.Open(fixture.Cluster, writable: true))
        {
            db.Execute("UPDATE inodes SET nlink = 64999 WHERE ino = $ino", ("$ino", file.Ino));
        }

        Assert.Equal(65000, (await _api.LinkAsync(dir.Ino, new LinkRequest("c", file.Ino), Token)).Nlink);
        await ProblemAssert.ErrnoAsync(Errno.EMLINK, () => _api.LinkAsync(dir.Ino, new LinkRequest("d", file.Ino), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(dir.Ino, "d", Token));
        Assert.Equal(65000, (await _api.AttributesAsync(file.Ino)).Nlink);
    }

    [Fact]
    public async Task An_orphan_kept_open_lives_with_nlink_0_until_reclaimed()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "open-file");
        await _api.SetExtendedAttributeAsync(file.Ino, "user.k", new ByteArrayContent([1, 2, 3]), cancellationToken: Token);

        await _api.UnlinkAsync(dir.Ino, "open-file", keepOrphan: true, cancellationToken: Token);

        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LookupAsync(dir.Ino, "open-file", Token));
        var orphan = await _api.AttributesAsync(file.Ino);
        Assert.Equal(0, orphan.Nlink);
        // The open file can still be changed (ftruncate, fchmod) ...
        Assert.Equal(10, (await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 10), Token)).Size);
        // ... but it cannot get a new name.
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.LinkAsync(dir.Ino, new LinkRequest("again", file.Ino), Token));

        await _api.ReclaimAsync(file.Ino, Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(file.Ino));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReclaimAsync(file.Ino, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ListExtendedAttributesAsync(file.Ino, Token));
    }

    [Fact]
    public async Task Reclaim_refuses_inodes_that_still_have_links()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await ProblemAssert.ErrnoAsync(Errno.EBUSY, () => _api.ReclaimAsync(file.Ino, Token));
        await ProblemAssert.ErrnoAsync(Errno.EBUSY, () => _api.ReclaimAsync(dir.Ino, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReclaimAsync(long.MaxValue, Token));
        Assert.Equal(1, (await _api.AttributesAsync(file.Ino)).Nlink);
    }

    [Fact]
    public async Task Keeping_an_orphan_only_matters_for_the_last_link()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "a");
        await _api.LinkAsync(dir.Ino, new LinkRequest("b", file.Ino), Token);

        await _api.UnlinkAsync(dir.Ino, "a", keepOrphan: true, cancellationToken: Token);
        Assert.Equal(1, (await _api.AttributesAsync(file.Ino)).Nlink);
        await _api.UnlinkAsync(dir.Ino, "b", keepOrphan: false, cancellationToken: Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AttributesAsync(file.Ino));
    }
}
