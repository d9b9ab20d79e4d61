using System.Security.Cryptography;
using System.Text;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Interop.Structs;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// Everyday file system behaviour through a real mount of a real cluster (3 data servers, R 3, Qr 2, Qw 2, 1 MiB
/// chunks): the seed's walkthrough, trees, links, renames, sizes, holes, modes and times. Each test works in its own
/// directory of the shared mount.
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class FileSystemBehaviourTests(ReplicaClusterFixture fixture)
{
    private const int Chunk = 1024 * 1024;
    private readonly ClusterMount _mount = fixture.Mount;

    [Fact(Timeout = 60_000)]
    public async Task The_seed_walkthrough_works_in_a_shell()
    {
        var directory = _mount.NewDirectory("seed");

        var output = await Shell.RunCheckedAsync(
            """
            set -e
            touch my.txt
            echo "hello" > my.txt
            cat my.txt
            mkdir a
            cd a
            echo "hi" > you.txt
            cat you.txt
            pwd
            """,
            directory);

        Assert.Equal($"hello\nhi\n{directory}/a\n", output);
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(directory, "my.txt"), TestContext.Current.CancellationToken));
        Assert.Equal("hi\n", await File.ReadAllTextAsync(Path.Combine(directory, "a", "you.txt"), TestContext.Current.CancellationToken));

        // The metadata server has it too, under the same names, as the client library sees them.
        var relative = Path.GetRelativePath(_mount.Root, directory);
        var stored = await _mount.Client.ResolveAsync($"/{relative}/a/you.txt", TestContext.Current.CancellationToken);
        Assert.Equal(3, stored.Size);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_deep_tree_keeps_every_file_and_lists_completely()
    {
        var root = _mount.NewDirectory("deep");
        var expected = new List<string>();
        var path = root;
        for (var depth = 0; depth < 40; depth++)
        {
            path = Path.Combine(path, $"level-{depth:D2}");
            Directory.CreateDirectory(path);
            var file = Path.Combine(path, $"file-{depth}.txt");
            await File.WriteAllTextAsync(file, $"depth {depth}\n", TestContext.Current.CancellationToken);
            expected.Add(Path.GetRelativePath(root, file));
        }

        var listed = (await Shell.RunCheckedAsync("find . -type f | sed 's|^\\./||' | sort", root))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed);
        Assert.Equal("depth 39\n", await File.ReadAllTextAsync(Path.Combine(root, expected[^1]), TestContext.Current.CancellationToken));

        // rm -r walks it back down to nothing.
        await Shell.RunCheckedAsync($"rm -r {Path.GetFileName(root)}/level-00", _mount.Root);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact(Timeout = 60_000)]
    public async Task Symlinks_to_files_and_directories_resolve_and_dangle()
    {
        var directory = _mount.NewDirectory("sym");
        Directory.CreateDirectory(Path.Combine(directory, "dir"));
        await File.WriteAllTextAsync(Path.Combine(directory, "dir", "inside.txt"), "inside", TestContext.Current.CancellationToken);

        Assert.Equal(Errno.None, Posix.Symlink("dir/inside.txt", Path.Combine(directory, "to-file")));
        Assert.Equal(Errno.None, Posix.Symlink("dir", Path.Combine(directory, "to-dir")));
        Assert.Equal(Errno.None, Posix.Symlink("nowhere", Path.Combine(directory, "dangling")));

        Assert.Equal("inside", await File.ReadAllTextAsync(Path.Combine(directory, "to-file"), TestContext.Current.CancellationToken));
        Assert.Equal("inside", await File.ReadAllTextAsync(Path.Combine(directory, "to-dir", "inside.txt"), TestContext.Current.CancellationToken));
        Assert.Equal("dir/inside.txt\n", await Shell.RunCheckedAsync("readlink to-file", directory));
        Assert.Equal(Errno.ENOENT, Posix.Stat(Path.Combine(directory, "dangling"), out _));
        Assert.Equal(Errno.None, Posix.Lstat(Path.Combine(directory, "dangling"), out var link));
        Assert.Equal((0xA000u, 7L), (link.st_mode & 0xF000, link.st_size));

        // Writing through the link writes the target; removing the link leaves the target.
        await File.AppendAllTextAsync(Path.Combine(directory, "to-file"), "+", TestContext.Current.CancellationToken);
        File.Delete(Path.Combine(directory, "to-file"));
        Assert.Equal("inside+", await File.ReadAllTextAsync(Path.Combine(directory, "dir", "inside.txt"), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Hard_links_share_the_inode_and_count_in_nlink()
    {
        var directory = _mount.NewDirectory("link");
        var first = Path.Combine(directory, "first");
        await File.WriteAllTextAsync(first, "shared", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(directory, "sub"));

        Assert.Equal(Errno.None, Posix.Link(first, Path.Combine(directory, "second")));
        Assert.Equal(Errno.None, Posix.Link(first, Path.Combine(directory, "sub", "third")));

        var a = Posix.StatOrThrow(first);
        var c = Posix.StatOrThrow(Path.Combine(directory, "sub", "third"));
        Assert.Equal((a.st_ino, 3ul), (c.st_ino, c.st_nlink));
        await File.AppendAllTextAsync(Path.Combine(directory, "second"), " bytes", TestContext.Current.CancellationToken);
        Assert.Equal("shared bytes", await File.ReadAllTextAsync(Path.Combine(directory, "sub", "third"), TestContext.Current.CancellationToken));

        File.Delete(first);
        File.Delete(Path.Combine(directory, "second"));
        Assert.Equal(1ul, Posix.StatOrThrow(Path.Combine(directory, "sub", "third")).st_nlink);
        Assert.Equal("shared bytes", await File.ReadAllTextAsync(Path.Combine(directory, "sub", "third"), TestContext.Current.CancellationToken));

        // Directories count their subdirectories; hard links to directories are refused.
        Assert.Equal(3ul, Posix.StatOrThrow(directory).st_nlink);
        Assert.Equal(Errno.EPERM, Posix.Link(Path.Combine(directory, "sub"), Path.Combine(directory, "sub2")));
    }

    [Fact(Timeout = 60_000)]
    public async Task Rename_replaces_an_existing_file_and_an_empty_directory()
    {
        var directory = _mount.NewDirectory("ren");
        var source = Path.Combine(directory, "new");
        var target = Path.Combine(directory, "old");
        await File.WriteAllTextAsync(source, "new content", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(target, "old content that is longer", TestContext.Current.CancellationToken);
        var inode = Posix.StatOrThrow(source).st_ino;

        Assert.Equal(Errno.None, Posix.Rename(source, target));

        Assert.False(File.Exists(source));
        Assert.Equal("new content", await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken));
        Assert.Equal(inode, Posix.StatOrThrow(target).st_ino);

        // A directory replaces an empty directory, keeping its contents; a non-empty one is not replaced.
        Directory.CreateDirectory(Path.Combine(directory, "d1"));
        await File.WriteAllTextAsync(Path.Combine(directory, "d1", "kept"), "k", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(directory, "d2"));
        Assert.Equal(Errno.None, Posix.Rename(Path.Combine(directory, "d1"), Path.Combine(directory, "d2")));
        Assert.Equal("k", await File.ReadAllTextAsync(Path.Combine(directory, "d2", "kept"), TestContext.Current.CancellationToken));
        Directory.CreateDirectory(Path.Combine(directory, "d3"));
        Assert.Equal(Errno.ENOTEMPTY, Posix.Rename(Path.Combine(directory, "d3"), Path.Combine(directory, "d2")));

        // mv across directories, as a shell does it.
        await Shell.RunCheckedAsync("mv old d2/moved && test -f d2/moved && test ! -e old", directory);
        Assert.Equal("new content", await File.ReadAllTextAsync(Path.Combine(directory, "d2", "moved"), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Rmdir_of_a_non_empty_directory_is_ENOTEMPTY_and_changes_nothing()
    {
        var directory = _mount.NewDirectory("rmdir");
        var full = Path.Combine(directory, "full");
        Directory.CreateDirectory(full);
        await File.WriteAllTextAsync(Path.Combine(full, "f"), "x", TestContext.Current.CancellationToken);

        Assert.Equal(Errno.ENOTEMPTY, Posix.Rmdir(full));
        var result = await Shell.RunAsync("rmdir full", directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Directory not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(full, "f"), TestContext.Current.CancellationToken));
        File.Delete(Path.Combine(full, "f"));
        Assert.Equal(Errno.None, Posix.Rmdir(full));
        Assert.Equal(Errno.ENOENT, Posix.Rmdir(full));
    }

    [Fact(Timeout = 60_000)]
    public async Task Truncate_grows_with_zeros_and_shrinks_across_chunks()
    {
        var path = Path.Combine(_mount.NewDirectory("trunc"), "f");
        var data = Pattern(Chunk + 5000, seed: 1);
        await File.WriteAllBytesAsync(path, data, TestContext.Current.CancellationToken);

        Assert.Equal(Errno.None, Posix.Truncate(path, 3 * Chunk + 17));
        var grown = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(3 * Chunk + 17, grown.Length);
        Assert.Equal(data, grown[..data.Length]);
        Assert.All(grown[data.Length..], b => Assert.Equal(0, b));

        Assert.Equal(Errno.None, Posix.Truncate(path, 1000));
        Assert.Equal(data[..1000], await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));

        // Growing again must not bring back the bytes cut off before.
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.SetLength(Chunk + 10);
        }

        var regrown = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(data[..1000], regrown[..1000]);
        Assert.All(regrown[1000..], b => Assert.Equal(0, b));

        // O_TRUNC empties it.
        await File.WriteAllTextAsync(path, "short", TestContext.Current.CancellationToken);
        Assert.Equal("short", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_write_in_the_middle_keeps_the_tail()
    {
        var path = Path.Combine(_mount.NewDirectory("middle"), "f");
        var data = Pattern(3 * Chunk, seed: 2);
        await File.WriteAllBytesAsync(path, data, TestContext.Current.CancellationToken);

        // Straddles the boundary of chunks 0 and 1.
        var patch = Pattern(10_000, seed: 3);
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = Chunk - 4000;
            await stream.WriteAsync(patch, TestContext.Current.CancellationToken);
        }

        patch.CopyTo(data, Chunk - 4000);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));

        // dd conv=notrunc, the shell way.
        await Shell.RunCheckedAsync($"printf 'XYZ' | dd of={path} bs=1 seek=5 conv=notrunc status=none");
        Encoding.ASCII.GetBytes("XYZ").CopyTo(data, 5);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Appends_land_at_the_end_even_from_two_descriptors()
    {
        var directory = _mount.NewDirectory("append");
        await File.WriteAllTextAsync(Path.Combine(directory, "log"), "start\n", TestContext.Current.CancellationToken);

        // Two O_APPEND descriptors (bash's >>) taking turns: each write goes to the end the other one left.
        await Shell.RunCheckedAsync(
            """
            set -e
            exec 3>>log 4>>log
            for i in 0 1 2 3 4; do echo "one $i" >&3; echo "two $i" >&4; done
            exec 3>&- 4>&-
            echo end >> log
            """,
            directory);

        var expected = new StringBuilder("start\n");
        for (var i = 0; i < 5; i++)
        {
            expected.Append($"one {i}\ntwo {i}\n");
        }

        Assert.Equal(expected + "end\n", await File.ReadAllTextAsync(Path.Combine(directory, "log"), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Sparse_files_read_zeros_in_their_holes()
    {
        var path = Path.Combine(_mount.NewDirectory("sparse"), "f");
        var head = Pattern(100, seed: 4);
        var tail = Pattern(3000, seed: 5);
        const long TailAt = (5L * Chunk) + 123;
        await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await stream.WriteAsync(head, TestContext.Current.CancellationToken);
            stream.Position = TailAt;
            await stream.WriteAsync(tail, TestContext.Current.CancellationToken);
        }

        var content = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(TailAt + tail.Length, content.Length);
        Assert.Equal(head, content[..100]);
        Assert.Equal(tail, content[(int)TailAt..]);
        Assert.True(content.AsSpan(100, (int)TailAt - 100).IndexOfAnyExcept((byte)0) < 0, "the hole reads as zeros");

        // truncate -s makes a file that is all hole.
        await Shell.RunCheckedAsync($"truncate -s 10M {path}.empty");
        Assert.Equal("10485760\n", await Shell.RunCheckedAsync($"stat -c %s {path}.empty && cmp -n 10485760 {path}.empty /dev/zero"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Permissions_owners_and_timestamps_round_trip()
    {
        var directory = _mount.NewDirectory("attr");
        var path = Path.Combine(directory, "f");
        await File.WriteAllTextAsync(path, "x", TestContext.Current.CancellationToken);

        // chown first: a chown clears the setuid bit, even root's (the kernel sends that as a mode change).
        Assert.Equal(Errno.None, Posix.Chown(path, 1234, 5678));
        Assert.Equal(Errno.None, Posix.Chmod(path, 0x9ED)); // 04755
        var atime = new Timespec { tv_sec = 1_000_000_000, tv_nsec = 123_456_789 };
        var mtime = new Timespec { tv_sec = 1_234_567_890, tv_nsec = 987_654_321 };
        Assert.Equal(Errno.None, Posix.SetTimes(path, atime, mtime));

        var stat = Posix.StatOrThrow(path);
        Assert.Equal(0x89EDu, stat.st_mode);
        Assert.Equal((1234u, 5678u), (stat.st_uid, stat.st_gid));
        Assert.Equal((atime.tv_sec, atime.tv_nsec), (stat.st_atim.tv_sec, stat.st_atim.tv_nsec));
        Assert.Equal((mtime.tv_sec, mtime.tv_nsec), (stat.st_mtim.tv_sec, stat.st_mtim.tv_nsec));

        // The same as the shell shows it, and as a fresh client of the cluster reads it from the metadata server.
        Assert.Equal("-rwsr-xr-x 1234 5678 2009-02-13 23:31:30.987654321\n",
            await Shell.RunCheckedAsync($"TZ=UTC stat -c '%A %u %g %y' {path} | sed 's/ +0000//'"));
        var stored = await _mount.Client.ResolveAsync("/" + Path.GetRelativePath(_mount.Root, path), TestContext.Current.CancellationToken);
        Assert.Equal((0x89EDu, 1234u, 5678u), (stored.Mode, stored.Uid, stored.Gid));
        Assert.Equal(mtime.tv_sec * 1_000_000_000L + mtime.tv_nsec, stored.Mtime.TotalNanoseconds);
    }

    [Fact(Timeout = 60_000)]
    public async Task Extended_attributes_round_trip()
    {
        var path = Path.Combine(_mount.NewDirectory("xattr"), "f");
        await File.WriteAllTextAsync(path, "x", TestContext.Current.CancellationToken);
        var value = Encoding.UTF8.GetBytes("a value");

        Assert.Equal(Errno.None, Posix.SetXattr(path, "user.color", value));
        Assert.Equal(Errno.EEXIST, Posix.SetXattr(path, "user.color", value, Posix.XattrCreate));
        Assert.Equal(Errno.ENODATA, Posix.SetXattr(path, "user.other", value, Posix.XattrReplace));

        var (length, error, read) = Posix.GetXattr(path, "user.color", 100);
        Assert.Equal((7L, Errno.None), (length, error));
        Assert.Equal(value, read);
        Assert.Equal(Errno.ERANGE, Posix.GetXattr(path, "user.color", 3).Error);
        Assert.Equal("user.color\0"u8.ToArray(), Posix.ListXattr(path, 100).Value);
        Assert.Equal(Errno.None, Posix.RemoveXattr(path, "user.color"));
        Assert.Equal(Errno.ENODATA, Posix.GetXattr(path, "user.color", 100).Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Df_shows_the_cluster_capacity()
    {
        Assert.Equal(Errno.None, Posix.StatVfs(_mount.Root, out var stats));
        var cluster = await _mount.Client.StatFsAsync(TestContext.Current.CancellationToken);

        Assert.Equal((ulong)cluster.TotalBlocks, stats.f_blocks);
        Assert.Equal(255ul, stats.f_namemax);
        var df = await Shell.RunCheckedAsync($"df -P {_mount.Root} | tail -n 1");
        Assert.StartsWith("replicafs ", df, StringComparison.Ordinal);
    }

    internal static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
