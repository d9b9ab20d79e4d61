using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.Tests.FileSystems;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.Mounting;

/// <summary>How a mount ends: idle, with an open file, or unmounted by someone else.</summary>
public sealed class UnmountTests
{
    [Fact(Timeout = 60_000)]
    public async Task An_idle_mount_unmounts_at_once_and_destroys_the_session()
    {
        var fs = new ScriptedFileSystem();
        await using var mount = await TestMount.StartAsync(fs);
        Assert.True(mount.Mount.IsMounted);
        Assert.Equal("fuse.fusetest", MountTable.Find(mount.Root)?.FileSystemType);

        Assert.True(await mount.Mount.UnmountAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(0, await mount.Mount.Completion.WaitAsync(TestContext.Current.CancellationToken));
        Assert.False(mount.Mount.IsMounted);
        Assert.Null(MountTable.Find(mount.Root));
        Assert.True(fs.Destroyed);
        Assert.True(Directory.Exists(mount.Root));
    }

    [Fact(Timeout = 60_000)]
    public async Task Unmount_with_an_open_file_detaches_at_once_and_ends_when_the_file_is_closed()
    {
        var fs = new MemoryFileSystem();
        await using var mount = await TestMount.StartAsync(fs);
        var path = mount.PathOf("open.txt");
        await File.WriteAllTextAsync(path, "0123456789", TestContext.Current.CancellationToken);

        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        try
        {
            // The name goes away at once, but the session keeps serving the open file.
            Assert.False(await mount.Mount.UnmountAsync(TimeSpan.FromSeconds(1)));
            Assert.Null(MountTable.Find(mount.Root));
            Assert.False(mount.Mount.IsMounted);
            Assert.False(mount.Mount.Completion.IsCompleted);
            Assert.False(File.Exists(path));

            var buffer = new byte[4];
            stream.Position = 3;
            Assert.Equal(4, await stream.ReadAsync(buffer, TestContext.Current.CancellationToken));
            Assert.Equal("3456"u8.ToArray(), buffer);
            stream.Position = 10;
            await stream.WriteAsync("ab"u8.ToArray(), TestContext.Current.CancellationToken);
            await stream.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal(12, stream.Length);
        }
        finally
        {
            await stream.DisposeAsync();
        }

        Assert.Equal(0, await mount.Mount.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(await mount.Mount.UnmountAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unmount_by_someone_else_ends_the_session_cleanly()
    {
        var fs = new ScriptedFileSystem();
        await using var mount = await TestMount.StartAsync(fs);

        await Commands.RunCheckedAsync("fusermount3", "-u", "-z", mount.Root);

        Assert.Equal(0, await mount.Mount.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(fs.Destroyed);
        Assert.Equal(Errno.None, Posix.Stat(mount.Root, out _));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_forced_abort_ends_the_session_and_leaves_no_dead_mount()
    {
        var fs = new MemoryFileSystem();
        await using var mount = await TestMount.StartAsync(fs);
        await File.WriteAllTextAsync(mount.PathOf("f"), "x", TestContext.Current.CancellationToken);

        // With a file open, umount -f aborts the connection but fails with EBUSY; libfuse's own unmount then sees
        // POLLERR and leaves the dead mount, which the binding removes.
        await using (var busy = new FileStream(mount.PathOf("f"), FileMode.Open, FileAccess.Read))
        {
            var umount = await Commands.RunAsync("umount", "-f", mount.Root);
            Assert.NotEqual(0, umount.ExitCode);

            Assert.Equal(-103, await mount.Mount.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            await Eventually.TrueAsync(() => MountTable.Find(mount.Root) is null, "the dead mount to be removed");
            Assert.Equal(Errno.None, Posix.Stat(mount.Root, out _));
            Assert.ThrowsAny<IOException>(() => busy.ReadByte());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_mounts_run_side_by_side_in_one_process()
    {
        var first = new MemoryFileSystem();
        var second = new MemoryFileSystem();
        await using var one = await TestMount.StartAsync(first);
        await using var two = await TestMount.StartAsync(second);

        await File.WriteAllTextAsync(one.PathOf("which"), "one", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(two.PathOf("which"), "two", TestContext.Current.CancellationToken);

        Assert.Equal("one", await File.ReadAllTextAsync(one.PathOf("which"), TestContext.Current.CancellationToken));
        Assert.Equal("two", await File.ReadAllTextAsync(two.PathOf("which"), TestContext.Current.CancellationToken));
        Assert.True(await one.Mount.UnmountAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("two", await File.ReadAllTextAsync(two.PathOf("which"), TestContext.Current.CancellationToken));
    }
}
