using System.Globalization;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Diagnostics;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>Names through a real mount: directories, listings, rename (with flags), hard links, symlinks, errno.</summary>
public sealed class MemoryFileSystemNamespaceTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_directory_of_1000_entries_lists_with_correct_attributes()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var directory = mount.PathOf("many");
        Assert.Equal(Errno.None, Posix.Mkdir(directory, 0x1ED));
        var expected = new Dictionary<string, (string Mode, int Size)>();
        for (var i = 0; i < 1000; i++)
        {
            var name = $"entry-{i:D4}";
            if (i % 10 == 0)
            {
                Assert.Equal(Errno.None, Posix.Mkdir(Path.Combine(directory, name), 0x1C0));
                expected[name] = ("drwx------", 4096);
            }
            else
            {
                var path = Path.Combine(directory, name);
                await File.WriteAllBytesAsync(path, new byte[i], TestContext.Current.CancellationToken);
                Assert.Equal(Errno.None, Posix.Chmod(path, i % 2 == 0 ? 0x1A4u : 0x180u));
                expected[name] = (i % 2 == 0 ? "-rw-r--r--" : "-rw-------", i);
            }
        }

        Assert.Equal(1000, Directory.EnumerateFileSystemEntries(directory).Count());

        var listing = await Commands.RunCheckedAsync("ls", "-ln", directory);
        var seen = new HashSet<string>();
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = fields[^1];
            var (mode, size) = expected[name];
            Assert.Equal(mode, fields[0]);
            Assert.Equal(mode[0] == 'd' ? "2" : "1", fields[1]);
            Assert.Equal("0", fields[2]);
            Assert.Equal("0", fields[3]);
            Assert.Equal(size, int.Parse(fields[4], CultureInfo.InvariantCulture));
            Assert.True(seen.Add(name), $"{name} listed twice");
        }

        Assert.Equal(1000, seen.Count);

        // The directory counts its 100 subdirectories in nlink.
        Assert.Equal(102ul, Posix.StatOrThrow(directory).st_nlink);
    }

    [Fact(Timeout = 60_000)]
    public async Task Listing_survives_removals_while_it_runs()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        for (var i = 0; i < 600; i++)
        {
            await File.WriteAllTextAsync(mount.PathOf($"f{i:D3}"), "x", TestContext.Current.CancellationToken);
        }

        // Delete every other name while enumerating: each surviving name must still come exactly once.
        var seen = new List<string>();
        var index = 0;
        foreach (var path in Directory.EnumerateFiles(mount.Root))
        {
            seen.Add(Path.GetFileName(path));
            if (index++ % 2 == 0)
            {
                File.Delete(mount.PathOf($"f{599 - (index / 2):D3}"));
            }
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        var remaining = Directory.EnumerateFiles(mount.Root).Select(Path.GetFileName).ToHashSet();
        Assert.All(remaining, name => Assert.Contains(name, seen));
    }

    [Fact(Timeout = 60_000)]
    public async Task Rename_replaces_and_honours_noreplace_and_exchange()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var a = mount.PathOf("a");
        var b = mount.PathOf("b");
        await File.WriteAllTextAsync(a, "alpha", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(b, "beta", TestContext.Current.CancellationToken);
        var inoA = Posix.StatOrThrow(a).st_ino;
        var inoB = Posix.StatOrThrow(b).st_ino;

        Assert.Equal(Errno.EEXIST, Posix.Rename(a, b, Posix.RenameNoReplace));
        Assert.Equal("beta", await File.ReadAllTextAsync(b, TestContext.Current.CancellationToken));

        Assert.Equal(Errno.None, Posix.Rename(a, b, Posix.RenameExchange));
        Assert.Equal("beta", await File.ReadAllTextAsync(a, TestContext.Current.CancellationToken));
        Assert.Equal("alpha", await File.ReadAllTextAsync(b, TestContext.Current.CancellationToken));
        Assert.Equal(inoB, Posix.StatOrThrow(a).st_ino);
        Assert.Equal(inoA, Posix.StatOrThrow(b).st_ino);

        Assert.Equal(Errno.ENOENT, Posix.Rename(a, mount.PathOf("missing"), Posix.RenameExchange));

        Assert.Equal(Errno.None, Posix.Rename(a, b));
        Assert.False(File.Exists(a));
        Assert.Equal("beta", await File.ReadAllTextAsync(b, TestContext.Current.CancellationToken));

        Assert.Equal(Errno.None, Posix.Rename(b, mount.PathOf("c"), Posix.RenameNoReplace));
        Assert.Equal("beta", await File.ReadAllTextAsync(mount.PathOf("c"), TestContext.Current.CancellationToken));

        // Directories: across parents, over an empty directory, not over a non-empty one, not into themselves.
        Directory.CreateDirectory(mount.PathOf("d1", "inner"));
        Directory.CreateDirectory(mount.PathOf("d2"));
        Directory.CreateDirectory(mount.PathOf("full", "x"));
        Assert.Equal(Errno.None, Posix.Rename(mount.PathOf("d1", "inner"), mount.PathOf("d2", "moved")));
        Assert.Equal(2ul, Posix.StatOrThrow(mount.PathOf("d1")).st_nlink);
        Assert.Equal(3ul, Posix.StatOrThrow(mount.PathOf("d2")).st_nlink);
        Assert.Equal(Errno.ENOTEMPTY, Posix.Rename(mount.PathOf("d1"), mount.PathOf("full")));
        Assert.Equal(Errno.EINVAL, Posix.Rename(mount.PathOf("d2"), mount.PathOf("d2", "moved", "loop")));
        Assert.Equal(Errno.None, Posix.Rename(mount.PathOf("d2"), mount.PathOf("d1")));
        Assert.True(Directory.Exists(mount.PathOf("d1", "moved")));

        var mv = await Commands.RunAsync("mv", mount.PathOf("c"), mount.PathOf("d1", "c-moved"));
        Assert.Equal(0, mv.ExitCode);
        Assert.Equal("beta", await File.ReadAllTextAsync(mount.PathOf("d1", "c-moved"), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Hard_links_share_the_inode_nlink_and_data()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        var a = mount.PathOf("a");
        var b = mount.PathOf("sub", "b");
        Directory.CreateDirectory(mount.PathOf("sub"));
        await File.WriteAllTextAsync(a, "hello", TestContext.Current.CancellationToken);

        await Commands.RunCheckedAsync("ln", a, b);
        var statA = Posix.StatOrThrow(a);
        var statB = Posix.StatOrThrow(b);
        Assert.Equal(statA.st_ino, statB.st_ino);
        Assert.Equal(2ul, statA.st_nlink);
        Assert.Equal(2ul, statB.st_nlink);

        await File.AppendAllTextAsync(b, " more", TestContext.Current.CancellationToken);
        Assert.Equal(10, Posix.StatOrThrow(a).st_size);
        Assert.Equal("hello more", await Commands.RunCheckedAsync("cat", a));

        await Commands.RunCheckedAsync("rm", b);
        Assert.Equal(1ul, Posix.StatOrThrow(a).st_nlink);
        Assert.Equal(Errno.ENOENT, Posix.Stat(b, out _));

        Assert.Equal(Errno.EPERM, Posix.Link(mount.PathOf("sub"), mount.PathOf("sub-link")));
        Assert.Equal(Errno.EEXIST, Posix.Link(a, a));
    }

    [Fact(Timeout = 60_000)]
    public async Task Symlinks_store_their_target_and_resolve()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        await File.WriteAllTextAsync(mount.PathOf("target.txt"), "through the link", TestContext.Current.CancellationToken);
        Assert.Equal(Errno.None, Posix.Symlink("target.txt", mount.PathOf("link")));
        Assert.Equal(Errno.None, Posix.Symlink("/nowhere/at/all", mount.PathOf("dangling")));

        Assert.Equal("target.txt", (await Commands.RunCheckedAsync("readlink", mount.PathOf("link"))).TrimEnd('\n'));
        Assert.Equal("through the link", await Commands.RunCheckedAsync("cat", mount.PathOf("link")));
        Assert.Equal(Errno.None, Posix.Lstat(mount.PathOf("link"), out var linkStat));
        Assert.Equal(0xA1FFu, linkStat.st_mode);
        Assert.Equal(10, linkStat.st_size);
        Assert.Equal(Errno.ENOENT, Posix.Stat(mount.PathOf("dangling"), out _));
        Assert.Equal("/nowhere/at/all", new FileInfo(mount.PathOf("dangling")).LinkTarget);
    }

    [Fact(Timeout = 60_000)]
    public async Task Failures_report_the_right_errno()
    {
        await using var mount = await TestMount.StartAsync(new MemoryFileSystem());
        Directory.CreateDirectory(mount.PathOf("dir", "child"));
        await File.WriteAllTextAsync(mount.PathOf("file"), "x", TestContext.Current.CancellationToken);

        Assert.Equal(Errno.ENOENT, Posix.Stat(mount.PathOf("missing"), out _));
        Assert.Equal(Errno.ENOENT, Posix.OpenClose(mount.PathOf("missing"), Posix.ORdOnly));
        Assert.Equal(Errno.ENOENT, Posix.Mkdir(mount.PathOf("missing", "sub")));
        Assert.Equal(Errno.EEXIST, Posix.Mkdir(mount.PathOf("dir")));
        Assert.Equal(Errno.EEXIST, Posix.OpenClose(mount.PathOf("file"), Posix.OWrOnly | Posix.OCreat | Posix.OExcl));
        Assert.Equal(Errno.ENOTEMPTY, Posix.Rmdir(mount.PathOf("dir")));
        Assert.Equal(Errno.EISDIR, Posix.OpenClose(mount.PathOf("dir"), Posix.OWrOnly));
        Assert.Equal(Errno.EISDIR, Posix.Unlink(mount.PathOf("dir")));
        Assert.Equal(Errno.ENOTDIR, Posix.Rmdir(mount.PathOf("file")));
        Assert.Equal(Errno.ENOTDIR, Posix.Stat(mount.PathOf("file", "below"), out _));
        Assert.Equal(Errno.ENOTDIR, Posix.OpenClose(mount.PathOf("file"), Posix.ORdOnly | Posix.ODirectory));
        Assert.Equal(Errno.ENAMETOOLONG, Posix.Mkdir(mount.PathOf(new string('n', 256))));

        // The rm of a non-empty directory through the real tool fails the same way.
        var rmdir = await Commands.RunAsync("rmdir", mount.PathOf("dir"));
        Assert.NotEqual(0, rmdir.ExitCode);
        Assert.Contains("Directory not empty", rmdir.Error, StringComparison.Ordinal);

        Assert.Equal(Errno.None, Posix.Rmdir(mount.PathOf("dir", "child")));
        Assert.Equal(Errno.None, Posix.Rmdir(mount.PathOf("dir")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unlinked_open_file_stays_readable_until_closed_then_is_freed()
    {
        var fs = new MemoryFileSystem();
        await using var mount = await TestMount.StartAsync(fs);
        var path = mount.PathOf("doomed");
        await File.WriteAllTextAsync(path, "still here", TestContext.Current.CancellationToken);

        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read))
        {
            File.Delete(path);
            Assert.False(File.Exists(path));
            using var reader = new StreamReader(stream);
            Assert.Equal("still here", await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
            Assert.Equal(2, fs.NodeCount);
        }

        await Eventually.TrueAsync(() => fs.NodeCount == 1, "the unlinked inode to be freed after close");
    }

    [Fact(Timeout = 120_000)]
    public async Task Lookup_counts_from_readdirplus_return_to_zero_after_rm_rf()
    {
        var fs = new MemoryFileSystem();
        await using var mount = await TestMount.StartAsync(fs);
        var tree = mount.PathOf("tree");
        for (var d = 0; d < 3; d++)
        {
            Directory.CreateDirectory(Path.Combine(tree, $"d{d}"));
            for (var f = 0; f < 100; f++)
            {
                await File.WriteAllTextAsync(Path.Combine(tree, $"d{d}", $"f{f}"), "x", TestContext.Current.CancellationToken);
            }
        }

        // ls -lR lists through readdirplus, so every name reaches the kernel as a counted entry.
        await Commands.RunCheckedAsync("ls", "-lR", tree);
        Assert.Equal(1 + 1 + 3 + 300, fs.NodeCount);

        await Commands.RunCheckedAsync("rm", "-rf", tree);
        await Eventually.TrueAsync(() => fs.NodeCount == 1, $"every removed inode to be forgotten (still {fs.NodeCount})");
    }
}
