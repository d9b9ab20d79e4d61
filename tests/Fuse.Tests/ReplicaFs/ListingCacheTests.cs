using ReplicaFs.Fuse.ReplicaFs;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// The kernel's readdir cache through a real mount of the shared cluster: a directory listed again soon after is
/// served by the kernel without a readdir, yet a change by another client (here the client library, straight to the
/// metadata server) is in the very next listing. Each test mounts with its own timeouts, so that a loaded machine
/// cannot age a listing between two steps.
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class ListingCacheTests(ReplicaClusterFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task A_listing_again_is_served_by_the_kernel_until_another_client_changes_the_directory()
    {
        var ct = TestContext.Current.CancellationToken;
        var longTime = TimeSpan.FromSeconds(30);
        await using var mount = await ClusterMount.StartAsync(
            fixture.Cluster,
            options: new ReplicaFileSystemOptions { ListingReuse = longTime, AttributeTimeout = longTime, EntryTimeout = longTime });
        var directory = mount.NewDirectory("listed");
        var names = Enumerable.Range(0, 300).Select(i => $"entry-{i:D3}").ToList();
        foreach (var name in names)
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, name), [], ct);
        }

        var parent = (await mount.Client.ResolveAsync("/" + Path.GetRelativePath(mount.Root, directory), ct)).Ino;
        Assert.Equal(names, List(directory));

        // Listed again and unchanged: the kernel answers from its cache.
        var readdirs = mount.FileSystem.Counters.Listings;
        Assert.Equal(names, List(directory));
        Assert.Equal(names, List(directory));
        Assert.Equal(readdirs, mount.FileSystem.Counters.Listings);

        // Another client adds and removes names: the next opendir sees the directory changed and lists afresh,
        // although the kernel still holds the directory's old attributes.
        await mount.Client.CreateFileAsync(parent, "added-elsewhere", cancellationToken: ct);
        await mount.Client.UnlinkAsync(parent, "entry-000", cancellationToken: ct);
        var expected = names.Skip(1).Append("added-elsewhere").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, List(directory));
        Assert.True(mount.FileSystem.Counters.Listings > readdirs, "the changed directory was listed from the kernel's cache");

        // That fresh listing is cached in turn.
        readdirs = mount.FileSystem.Counters.Listings;
        Assert.Equal(expected, List(directory));
        Assert.Equal(readdirs, mount.FileSystem.Counters.Listings);

        // A change through the mount itself is in the next listing too.
        File.Delete(Path.Combine(directory, "entry-001"));
        Assert.Equal(expected.Where(n => n != "entry-001"), List(directory));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_directory_another_client_removed_is_not_listed_from_the_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        var longTime = TimeSpan.FromSeconds(30);
        await using var mount = await ClusterMount.StartAsync(
            fixture.Cluster,
            options: new ReplicaFileSystemOptions { ListingReuse = longTime, AttributeTimeout = longTime, EntryTimeout = longTime });
        var parentPath = mount.NewDirectory("gone");
        var directory = Path.Combine(parentPath, "child");
        Directory.CreateDirectory(directory);
        Assert.Empty(List(directory));
        Assert.Empty(List(directory));

        // Removed behind the mount's back while the kernel still holds its name and its cached (empty) listing.
        var parent = (await mount.Client.ResolveAsync("/" + Path.GetRelativePath(mount.Root, parentPath), ct)).Ino;
        await mount.Client.RemoveDirectoryAsync(parent, "child", ct);

        var error = Assert.ThrowsAny<IOException>(() => List(directory));
        Assert.True(error is DirectoryNotFoundException, $"expected ENOENT, got {error.GetType().Name}: {error.Message}");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_listing_older_than_the_reuse_time_is_fetched_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mount = await ClusterMount.StartAsync(
            fixture.Cluster,
            options: new ReplicaFileSystemOptions { ListingReuse = TimeSpan.FromMilliseconds(200) });
        var directory = mount.NewDirectory("aged");
        await File.WriteAllBytesAsync(Path.Combine(directory, "only"), [], ct);
        Assert.Equal(["only"], List(directory));

        await Task.Delay(TimeSpan.FromMilliseconds(400), ct);
        var readdirs = mount.FileSystem.Counters.Listings;
        Assert.Equal(["only"], List(directory));
        Assert.True(mount.FileSystem.Counters.Listings > readdirs, "an old listing was kept");
    }

    private static List<string> List(string directory) =>
        Directory.EnumerateFileSystemEntries(directory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
}
