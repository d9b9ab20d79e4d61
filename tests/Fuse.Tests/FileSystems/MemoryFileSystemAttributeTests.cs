using System.Text;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Interop.Structs;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>Attributes and extended attributes through a real mount.</summary>
public sealed class MemoryFileSystemAttributeTests
{
    [Fact(Timeout = 60_000)]
    public async Task Chmod_chown_and_utimens_show_in_stat()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("f");
        await File.WriteAllTextAsync(path, "data", TestContext.Current.CancellationToken);
        var created = Posix.StatOrThrow(path);

        Assert.Equal(Errno.None, Posix.Chmod(path, 0x1C0 | PosixMode.SetUid));
        Assert.Equal(PosixMode.RegularFile | 0x1C0 | PosixMode.SetUid, Posix.StatOrThrow(path).st_mode);

        Assert.Equal(Errno.None, Posix.Chown(path, 1234, 5678));
        var owned = Posix.StatOrThrow(path);
        Assert.Equal(1234u, owned.st_uid);
        Assert.Equal(5678u, owned.st_gid);

        // chown of a setuid file: the kernel clears S_ISUID itself (libfuse 3.14 never sends HANDLE_KILLPRIV).
        Assert.Equal(0u, owned.st_mode & PosixMode.SetUid);

        Assert.Equal(Errno.None, Posix.Chown(path, uint.MaxValue, 42));
        Assert.Equal(1234u, Posix.StatOrThrow(path).st_uid);
        Assert.Equal(42u, Posix.StatOrThrow(path).st_gid);

        var atime = new Timespec { tv_sec = 1_000_000_000, tv_nsec = 123_456_789 };
        var mtime = new Timespec { tv_sec = 1_500_000_000, tv_nsec = 987_654_321 };
        Assert.Equal(Errno.None, Posix.SetTimes(path, atime, mtime));
        var timed = Posix.StatOrThrow(path);
        Assert.Equal(atime.tv_sec, timed.st_atim.tv_sec);
        Assert.Equal(atime.tv_nsec, timed.st_atim.tv_nsec);
        Assert.Equal(mtime.tv_sec, timed.st_mtim.tv_sec);
        Assert.Equal(mtime.tv_nsec, timed.st_mtim.tv_nsec);
        Assert.True(timed.st_ctim.tv_sec >= created.st_ctim.tv_sec);

        // UTIME_OMIT leaves a time alone; UTIME_NOW (touch) sets it to now.
        Assert.Equal(Errno.None, Posix.SetTimes(path, new Timespec { tv_nsec = Timespec.UtimeOmit }, new Timespec { tv_sec = 5, tv_nsec = 6 }));
        var omitted = Posix.StatOrThrow(path);
        Assert.Equal(atime.tv_sec, omitted.st_atim.tv_sec);
        Assert.Equal(5, omitted.st_mtim.tv_sec);
        await Commands.RunCheckedAsync("touch", "-m", path);
        var touched = Posix.StatOrThrow(path);
        Assert.InRange(touched.st_mtim.tv_sec, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(atime.tv_sec, touched.st_atim.tv_sec);

        var stat = await Commands.RunCheckedAsync("stat", "-c", "%a %u %g %s %h", path);
        Assert.Equal("700 1234 42 4 1\n", stat);
    }

    [Fact(Timeout = 60_000)]
    public async Task New_nodes_belong_to_the_caller_and_inherit_a_setgid_directory_group()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var shared = mount.PathOf("shared");
        Assert.Equal(Errno.None, Posix.Mkdir(shared, 0x1FF));
        Assert.Equal(Errno.None, Posix.Chown(shared, 0, 777));
        Assert.Equal(Errno.None, Posix.Chmod(shared, 0x1FF | PosixMode.SetGid));

        await File.WriteAllTextAsync(Path.Combine(shared, "file"), "x", TestContext.Current.CancellationToken);
        Assert.Equal(Errno.None, Posix.Mkdir(Path.Combine(shared, "sub"), 0x1ED));

        Assert.Equal(777u, Posix.StatOrThrow(Path.Combine(shared, "file")).st_gid);
        var sub = Posix.StatOrThrow(Path.Combine(shared, "sub"));
        Assert.Equal(777u, sub.st_gid);
        Assert.NotEqual(0u, sub.st_mode & PosixMode.SetGid);
        Assert.Equal(0u, Posix.StatOrThrow(Path.Combine(shared, "file")).st_uid);
    }

    [Fact(Timeout = 60_000)]
    public async Task Xattrs_set_get_list_and_remove_with_size_probes()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var path = mount.PathOf("x");
        await File.WriteAllTextAsync(path, "", TestContext.Current.CancellationToken);
        var value = Encoding.UTF8.GetBytes("some value");

        Assert.Equal(Errno.None, Posix.SetXattr(path, "user.one", value));
        Assert.Equal(Errno.None, Posix.SetXattr(path, "user.two", "2"u8));

        var probe = Posix.GetXattr(path, "user.one", 0);
        Assert.Equal((long)value.Length, probe.Length);
        Assert.Equal(Errno.ERANGE, Posix.GetXattr(path, "user.one", 3).Error);
        var read = Posix.GetXattr(path, "user.one", 64);
        Assert.Equal(value, read.Value);
        Assert.Equal(Errno.ENODATA, Posix.GetXattr(path, "user.none", 64).Error);

        var listProbe = Posix.ListXattr(path, 0);
        Assert.Equal(18L, listProbe.Length);
        Assert.Equal(Errno.ERANGE, Posix.ListXattr(path, 5).Error);
        var names = Encoding.UTF8.GetString(Posix.ListXattr(path, 256).Value).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["user.one", "user.two"], names.Order());

        Assert.Equal(Errno.EEXIST, Posix.SetXattr(path, "user.one", "new"u8, Posix.XattrCreate));
        Assert.Equal(Errno.ENODATA, Posix.SetXattr(path, "user.three", "new"u8, Posix.XattrReplace));
        Assert.Equal(Errno.None, Posix.SetXattr(path, "user.one", "new"u8, Posix.XattrReplace));
        Assert.Equal("new"u8.ToArray(), Posix.GetXattr(path, "user.one", 64).Value);

        Assert.Equal(Errno.None, Posix.RemoveXattr(path, "user.two"));
        Assert.Equal(Errno.ENODATA, Posix.RemoveXattr(path, "user.two"));
        Assert.Equal(9L, Posix.ListXattr(path, 0).Length);

        // A directory carries its own attributes; an empty value is a value.
        Assert.Equal(Errno.None, Posix.SetXattr(mount.Root, "user.empty", []));
        Assert.Equal(0L, Posix.GetXattr(mount.Root, "user.empty", 16).Length);
    }
}
