using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.Mounting;

/// <summary>Changes made behind the kernel's back become visible through the notify calls despite long cache timeouts.</summary>
public sealed class InvalidationTests
{
    private static readonly RequestContext Root = new(0, 0, 0, 0);

    [Fact(Timeout = 60_000)]
    public async Task Invalidating_an_entry_and_a_node_shows_server_side_changes()
    {
        var longCache = TimeSpan.FromSeconds(60);
        var fs = new MemoryFileSystem(new MemoryFileSystemOptions { AttributeTimeout = longCache, EntryTimeout = longCache, NegativeTimeout = longCache });
        await using var mount = await TestMount.StartAsync(fs);
        await File.WriteAllTextAsync(mount.PathOf("old"), "x", TestContext.Current.CancellationToken);
        var nodeId = Posix.StatOrThrow(mount.PathOf("old")).st_ino;

        // A rename inside the file system, as a change from another client would be: the kernel still has the old name.
        Assert.Equal(Errno.None, await fs.RenameAsync(Root, 1, "old"u8.ToArray(), 1, "new"u8.ToArray(), RenameOptions.None));
        Assert.Equal(Errno.None, Posix.Stat(mount.PathOf("old"), out _));
        Assert.Equal(Errno.None, mount.Mount.InvalidateEntry(1, "old"u8));
        Assert.Equal(Errno.ENOENT, Posix.Stat(mount.PathOf("old"), out _));
        Assert.Equal(nodeId, Posix.StatOrThrow(mount.PathOf("new")).st_ino);

        // A chmod inside the file system: the kernel shows the cached mode until the node is invalidated.
        var changed = await fs.SetAttributesAsync(Root, nodeId, new AttributeChanges { Fields = SetAttributeFields.Mode, Mode = 0x180 });
        Assert.True(changed.IsSuccess);
        Assert.Equal(0x81A4u, Posix.StatOrThrow(mount.PathOf("new")).st_mode);
        Assert.Equal(Errno.None, mount.Mount.InvalidateNode(nodeId, -1, 0));
        Assert.Equal(0x8180u, Posix.StatOrThrow(mount.PathOf("new")).st_mode);
    }
}
