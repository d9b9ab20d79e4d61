using System.Globalization;
using System.Text;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Interop.Structs;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// A POSIX conformance suite of our own, run with the same expected results against the ReplicaFs mount and against a
/// directory on the local ext4 disk (/tmp): permissions as other users (uid 1000 "alice" and 1001 "bob", through
/// setpriv), ownership and setgid directories, sticky directories, link counts, the timestamps each operation
/// changes, rename corner cases, long names and paths near PATH_MAX, and the errno of each failure. A case that
/// passes on ext4 and fails on ReplicaFs is a ReplicaFs bug (or a difference documented in docs/fuse-filesystem.md
/// and tested in <see cref="DocumentedDifferences_are_exactly_these"/>).
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class PosixConformanceTests(ReplicaClusterFixture fixture)
{
    private const string Ext4 = "ext4";
    private const string ReplicaFsTarget = "replicafs";
    private const uint Alice = OtherUser.Alice;
    private const uint Bob = OtherUser.Bob;

    /// <summary>Long enough apart that the coarse kernel clock (one tick) moves between two steps.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(30);

    private static readonly Dictionary<string, Func<Conformance, CancellationToken, Task>> Suite = new()
    {
        ["permissions"] = PermissionsAsync,
        ["ownership"] = OwnershipAsync,
        ["sticky"] = StickyAsync,
        ["link-counts"] = LinkCountsAsync,
        ["timestamps"] = TimestampsAsync,
        ["rename"] = RenameAsync,
        ["names-and-paths"] = NamesAndPathsAsync,
        ["errno"] = ErrnoAsync,
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Suite.Keys)
        {
            data.Add(name, Ext4);
            data.Add(name, ReplicaFsTarget);
        }

        return data;
    }

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Cases))]
    public async Task Case_gives_the_expected_results(string @case, string target)
    {
        var root = target == Ext4 ? Directory.CreateTempSubdirectory("replicafs-posix-").FullName : fixture.Mount.NewDirectory("posix");
        try
        {
            if (target == Ext4)
            {
                Assert.Equal("ext2/ext3\n", await Shell.RunCheckedAsync($"stat -f -c %T {root}"));
            }

            // Other users must be able to reach the case's directory, as in any shared tree.
            Assert.Equal(Errno.None, Posix.Chmod(root, Convert.ToUInt32("755", 8)));
            var conformance = new Conformance(root);

            await Suite[@case](conformance, TestContext.Current.CancellationToken);

            TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', conformance.Steps));
            Assert.True(conformance.Mismatches.Count == 0, $"{@case} on {target}:\n{string.Join('\n', conformance.Mismatches)}");
        }
        finally
        {
            await Shell.RunAsync($"chattr -R -i {root} 2>/dev/null; rm -rf {root}");
        }
    }

    /// <summary>
    /// What ReplicaFs deliberately does differently from ext4, exactly: it stores no device, FIFO or socket nodes
    /// (mknod is EPERM), and names must be UTF-8 (EILSEQ).
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task DocumentedDifferences_are_exactly_these()
    {
        var directory = fixture.Mount.NewDirectory("diff");
        await File.WriteAllTextAsync(Path.Combine(directory, "utf-8 ✓"), "fine", TestContext.Current.CancellationToken);

        var output = await Shell.RunCheckedAsync(
            """
            mkfifo fifo 2>&1 | sed 's/.*: //'
            perl -e 'open(my $f, ">", "\xff\xfe") ? print "created\n" : print "$!\n"'
            perl -e 'symlink("target", "link") ? print "symlink ok\n" : print "$!\n"'
            """,
            directory);

        Assert.Equal("Operation not permitted\nInvalid or incomplete multibyte or wide character\nsymlink ok\n", output);
        Assert.Equal(["link", "utf-8 ✓"], Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static Task Touch(string path, CancellationToken ct) => File.WriteAllBytesAsync(path, [], ct);

    private static uint Octal(string text) => Convert.ToUInt32(text, 8);

    private static async Task PermissionsAsync(Conformance c, CancellationToken ct)
    {
        var closed = c.P("closed");
        var open = c.P("open");
        c.Expect(Errno.None, Posix.Mkdir(closed, Octal("755")));
        c.Expect(Errno.None, Posix.Mkdir(open, Octal("777")));
        c.Expect(Errno.None, Posix.Chmod(open, Octal("777")));

        await c.ExpectAsync(Errno.EACCES, Alice, "create", Path.Combine(closed, "a"), "644");
        await c.ExpectAsync(Errno.EACCES, Alice, "mkdir", Path.Combine(closed, "d"), "755");
        await c.ExpectAsync(Errno.None, Alice, "create", Path.Combine(open, "a"), "644");
        c.Expect("alice's new file", "100644 1000:1000", $"{c.ModeOf(Path.Combine(open, "a"))} {c.OwnerOf(Path.Combine(open, "a"))}");
        await c.ExpectAsync(Errno.None, Alice, "write", Path.Combine(open, "a"), "from alice");
        await c.ExpectAsync(Errno.None, Bob, "read", Path.Combine(open, "a"));
        await c.ExpectAsync(Errno.EACCES, Bob, "write", Path.Combine(open, "a"), "from bob");
        await c.ExpectAsync(Errno.EACCES, Bob, "truncate", Path.Combine(open, "a"), "0");
        await c.ExpectAsync(Errno.EPERM, Bob, "chmod", Path.Combine(open, "a"), "666");
        await c.ExpectAsync(Errno.EPERM, Bob, "chown", Path.Combine(open, "a"), "1001", "1001");
        await c.ExpectAsync(Errno.EPERM, Alice, "chown", Path.Combine(open, "a"), "1001", "1000");
        await c.ExpectAsync(Errno.EACCES, Bob, "touch", Path.Combine(open, "a"));
        await c.ExpectAsync(Errno.EPERM, Bob, "settime", Path.Combine(open, "a"), "1000000");
        await c.ExpectAsync(Errno.None, Alice, "settime", Path.Combine(open, "a"), "1000000");
        await c.ExpectAsync(Errno.None, Alice, "chmod", Path.Combine(open, "a"), "600");
        await c.ExpectAsync(Errno.EACCES, Bob, "read", Path.Combine(open, "a"));
        await c.ExpectAsync(Errno.None, Alice, "read", Path.Combine(open, "a"));
        c.Expect("root reads alice's 0600 file", "from alice", await File.ReadAllTextAsync(Path.Combine(open, "a"), ct));

        // Directories: read lists, write+execute changes names, execute alone reaches known names.
        await c.ExpectAsync(Errno.None, Alice, "mkdir", Path.Combine(open, "private"), "700");
        await c.ExpectAsync(Errno.None, Alice, "create", Path.Combine(open, "private", "inner"), "644");
        await c.ExpectAsync(Errno.EACCES, Bob, "list", Path.Combine(open, "private"));
        await c.ExpectAsync(Errno.EACCES, Bob, "stat", Path.Combine(open, "private", "inner"));
        await c.ExpectAsync(Errno.None, Alice, "chmod", Path.Combine(open, "private"), "711");
        await c.ExpectAsync(Errno.EACCES, Bob, "list", Path.Combine(open, "private"));
        await c.ExpectAsync(Errno.None, Bob, "stat", Path.Combine(open, "private", "inner"));
        await c.ExpectAsync(Errno.None, Bob, "read", Path.Combine(open, "private", "inner"));
        await c.ExpectAsync(Errno.EACCES, Bob, "create", Path.Combine(open, "private", "bobs"), "644");
        await c.ExpectAsync(Errno.EACCES, Bob, "unlink", Path.Combine(open, "private", "inner"));
        await c.ExpectAsync(Errno.None, Alice, "chmod", Path.Combine(open, "private"), "755");
        await c.ExpectAsync(Errno.None, Bob, "list", Path.Combine(open, "private"));
        await c.ExpectAsync(Errno.None, Alice, "mkdir", Path.Combine(open, "private", "empty"), "755");
        await c.ExpectAsync(Errno.EACCES, Bob, "rmdir", Path.Combine(open, "private", "empty"));
        await c.ExpectAsync(Errno.ENOTEMPTY, Bob, "rmdir", Path.Combine(open, "private"));

        // Mode bits of a new file are masked by the umask (022) and by the mode asked for.
        await c.ExpectAsync(Errno.None, Bob, "create", Path.Combine(open, "b"), "666");
        c.Expect("bob's 0666 file under umask 022", "100644", c.ModeOf(Path.Combine(open, "b")));
        await c.ExpectAsync(Errno.None, Bob, "mkdir", Path.Combine(open, "bd"), "777");
        c.Expect("bob's 0777 dir under umask 022", "40755", c.ModeOf(Path.Combine(open, "bd")));
        await c.ExpectAsync(Errno.None, Bob, "create", Path.Combine(open, "c"), "400");
        await c.ExpectAsync(Errno.EACCES, Bob, "write", Path.Combine(open, "c"), "x");

        // Setting the setgid bit on a file of a group you are not in drops it silently.
        await c.ExpectAsync(Errno.None, Bob, "chown", Path.Combine(open, "b"), "-1", "1001");
        c.Expect(Errno.None, Posix.Chown(Path.Combine(open, "b"), Bob, 0));
        await c.ExpectAsync(Errno.None, Bob, "chmod", Path.Combine(open, "b"), "2755");
        c.Expect("setgid by a non-member", "100755", c.ModeOf(Path.Combine(open, "b")));
    }

    private static async Task OwnershipAsync(Conformance c, CancellationToken ct)
    {
        var file = c.P("file");
        await Touch(file, ct);
        c.Expect("root's new file", "0:0", c.OwnerOf(file));
        c.Expect(Errno.None, Posix.Chown(file, Alice, Alice));
        c.Expect("after chown", "1000:1000", c.OwnerOf(file));
        await c.ExpectAsync(Errno.None, Alice, "chown", file, "1000", "1000");
        await c.ExpectAsync(Errno.EPERM, Alice, "chown", file, "-1", "0");
        await c.ExpectAsync(Errno.EPERM, Alice, "chown", file, "1001", "-1");

        // chown clears setuid and setgid (group-executable) of a regular file.
        c.Expect(Errno.None, Posix.Chmod(file, Octal("6755")));
        c.Expect("before chown", "106755", c.ModeOf(file));
        c.Expect(Errno.None, Posix.Chown(file, Bob, Bob));
        c.Expect("setuid and setgid after chown", "100755", c.ModeOf(file));

        // A setgid directory hands its group to new entries, and its setgid bit to new subdirectories.
        var shared = c.P("shared");
        c.Expect(Errno.None, Posix.Mkdir(shared, Octal("777")));
        c.Expect(Errno.None, Posix.Chown(shared, 0, 4242));
        c.Expect(Errno.None, Posix.Chmod(shared, Octal("2777")));
        await c.ExpectAsync(Errno.None, Alice, "create", Path.Combine(shared, "f"), "644");
        await c.ExpectAsync(Errno.None, Alice, "mkdir", Path.Combine(shared, "d"), "755");
        c.Expect("file in a setgid dir", "100644 1000:4242", $"{c.ModeOf(Path.Combine(shared, "f"))} {c.OwnerOf(Path.Combine(shared, "f"))}");
        c.Expect("dir in a setgid dir", "42755 1000:4242", $"{c.ModeOf(Path.Combine(shared, "d"))} {c.OwnerOf(Path.Combine(shared, "d"))}");

        // Symlinks belong to their creator; chown of the link (lchown) leaves the target alone.
        await c.ExpectAsync(Errno.None, Alice, "symlink", "f", Path.Combine(shared, "l"));
        c.Expect("alice's symlink", "120777 1000:4242", $"{c.ModeOf(Path.Combine(shared, "l"))} {c.OwnerOf(Path.Combine(shared, "l"))}");
        c.Expect(Errno.None, Posix.Lchown(Path.Combine(shared, "l"), Bob, Bob));
        c.Expect("after lchown", "1001:1001 1000:4242", $"{c.OwnerOf(Path.Combine(shared, "l"))} {c.OwnerOf(Path.Combine(shared, "f"))}");
    }

    private static async Task StickyAsync(Conformance c, CancellationToken ct)
    {
        var tmp = c.P("tmp");
        c.Expect(Errno.None, Posix.Mkdir(tmp, Octal("777")));
        c.Expect(Errno.None, Posix.Chmod(tmp, Octal("1777")));
        c.Expect("sticky dir", "41777", c.ModeOf(tmp));
        await c.ExpectAsync(Errno.None, Alice, "create", Path.Combine(tmp, "alice"), "644");
        await c.ExpectAsync(Errno.None, Alice, "chmod", Path.Combine(tmp, "alice"), "666");
        await c.ExpectAsync(Errno.None, Bob, "create", Path.Combine(tmp, "bob"), "644");
        await c.ExpectAsync(Errno.None, Alice, "mkdir", Path.Combine(tmp, "alicedir"), "777");

        await c.ExpectAsync(Errno.EPERM, Bob, "unlink", Path.Combine(tmp, "alice"));
        await c.ExpectAsync(Errno.EPERM, Bob, "rename", Path.Combine(tmp, "alice"), Path.Combine(tmp, "stolen"));
        await c.ExpectAsync(Errno.EPERM, Bob, "rename", Path.Combine(tmp, "bob"), Path.Combine(tmp, "alice"));
        await c.ExpectAsync(Errno.EPERM, Bob, "rmdir", Path.Combine(tmp, "alicedir"));
        await c.ExpectAsync(Errno.None, Bob, "write", Path.Combine(tmp, "alice"), "writable is not removable");
        await c.ExpectAsync(Errno.None, Bob, "rename", Path.Combine(tmp, "bob"), Path.Combine(tmp, "bob2"));
        await c.ExpectAsync(Errno.None, Alice, "unlink", Path.Combine(tmp, "alice"));
        await c.ExpectAsync(Errno.None, Alice, "rmdir", Path.Combine(tmp, "alicedir"));
        c.Expect(Errno.None, Posix.Unlink(Path.Combine(tmp, "bob2")));

        // The directory's owner may remove anything in it.
        c.Expect(Errno.None, Posix.Chown(tmp, Alice, Alice));
        await c.ExpectAsync(Errno.None, Bob, "create", Path.Combine(tmp, "bob3"), "644");
        await c.ExpectAsync(Errno.None, Alice, "unlink", Path.Combine(tmp, "bob3"));
    }

    private static async Task LinkCountsAsync(Conformance c, CancellationToken ct)
    {
        var file = c.P("file");
        await File.WriteAllTextAsync(file, "counted", ct);
        c.Expect("new file", 1ul, c.Lstat(file).st_nlink);
        c.Expect(Errno.None, Posix.Link(file, c.P("second")));
        c.Expect(Errno.None, Posix.Mkdir(c.P("dir")));
        c.Expect(Errno.None, Posix.Link(file, c.P("dir", "third")));
        c.Expect("three names", 3ul, c.Lstat(c.P("second")).st_nlink);
        c.Expect(Errno.None, Posix.Unlink(file));
        c.Expect("two names", 2ul, c.Lstat(c.P("dir", "third")).st_nlink);

        c.Expect("empty dir", 2ul, c.Lstat(c.P("dir")).st_nlink);
        c.Expect("root with one subdir", 3ul, c.Lstat(c.Root).st_nlink);
        c.Expect(Errno.None, Posix.Mkdir(c.P("dir", "a")));
        c.Expect(Errno.None, Posix.Mkdir(c.P("dir", "b")));
        c.Expect("dir with two subdirs", 4ul, c.Lstat(c.P("dir")).st_nlink);
        c.Expect(Errno.None, Posix.Rename(c.P("dir", "b"), c.P("b")));
        c.Expect("after moving one out", "3 4", $"{c.Lstat(c.P("dir")).st_nlink} {c.Lstat(c.Root).st_nlink}");
        c.Expect(Errno.None, Posix.Rmdir(c.P("dir", "a")));
        c.Expect("after rmdir", 2ul, c.Lstat(c.P("dir")).st_nlink);
        c.Expect(Errno.None, Posix.Rename(c.P("b"), c.P("dir", "b")));
        c.Expect("after moving it back", "3 3", $"{c.Lstat(c.P("dir")).st_nlink} {c.Lstat(c.Root).st_nlink}");
        c.Expect(Errno.ENOTEMPTY, Posix.Rmdir(c.P("dir")));

        // An open file outlives its last name: still readable and writable, nlink 0.
        await using (var stream = new FileStream(c.P("second"), FileMode.Open, FileAccess.ReadWrite))
        {
            c.Expect(Errno.None, Posix.Unlink(c.P("second")));
            c.Expect(Errno.None, Posix.Unlink(c.P("dir", "third")));
            c.Expect("unlinked while open", Errno.ENOENT, Posix.Lstat(c.P("second"), out _));
            var buffer = new byte[7];
            c.Expect("read after unlink", 7, await stream.ReadAsync(buffer, ct));
            c.Expect("content after unlink", "counted", Encoding.ASCII.GetString(buffer));
            await stream.WriteAsync("+more"u8.ToArray(), ct);
            stream.Position = 0;
            var all = new byte[20];
            c.Expect("written after unlink", 12, await stream.ReadAsync(all, ct));
            c.Expect("nlink of the open file", 0ul, Posix.Fstat(stream.SafeFileHandle).st_nlink);
        }

        // Symlinks are links of their own.
        c.Expect(Errno.None, Posix.Symlink("dir", c.P("sym")));
        c.Expect("symlink nlink, dir nlink", "1 3", $"{c.Lstat(c.P("sym")).st_nlink} {c.Lstat(c.P("dir")).st_nlink}");
    }

    private static async Task TimestampsAsync(Conformance c, CancellationToken ct)
    {
        var dir = c.P("dir");
        var file = c.P("dir", "file");
        c.Expect(Errno.None, Posix.Mkdir(dir));

        async Task Step(string operation, Func<Task> action, string fileChanges, string dirChanges, string path, string? pathBefore = null)
        {
            var fileBefore = Posix.Lstat(pathBefore ?? path, out var before) == Errno.None ? before : default;
            var dirBefore = c.Lstat(dir);
            await Task.Delay(Tick, ct);
            await action();
            var fileAfter = Posix.Lstat(path, out var after) == Errno.None ? after : default;
            c.Expect($"{operation}: the file's", fileChanges, Conformance.Changed(fileBefore, fileAfter));
            c.Expect($"{operation}: the directory's", dirChanges, Conformance.Changed(dirBefore, c.Lstat(dir)));
        }

        await Step("create", () => Touch(file, ct), "mtime ctime", "mtime ctime", file);
        await Step("write", () => File.WriteAllTextAsync(file, "0123456789", ct), "mtime ctime", "nothing", file);
        await Step("append", () => File.AppendAllTextAsync(file, "more", ct), "mtime ctime", "nothing", file);
        await Step("read", () => File.ReadAllBytesAsync(file, ct), "nothing", "nothing", file);
        await Step("chmod", () => Task.FromResult(Posix.Chmod(file, Octal("600"))), "ctime", "nothing", file);
        await Step("chown", () => Task.FromResult(Posix.Chown(file, Alice, Alice)), "ctime", "nothing", file);
        await Step("truncate", () => Task.FromResult(Posix.Truncate(file, 3)), "mtime ctime", "nothing", file);
        await Step("link", () => Task.FromResult(Posix.Link(file, c.P("dir", "link"))), "ctime", "mtime ctime", file);
        await Step("unlink of the other name", () => Task.FromResult(Posix.Unlink(c.P("dir", "link"))), "ctime", "mtime ctime", file);
        await Step("setxattr", () => Task.FromResult(Posix.SetXattr(file, "user.t", "v"u8)), "ctime", "nothing", file);
        await Step("rename", () => Task.FromResult(Posix.Rename(file, c.P("dir", "renamed"))), "ctime", "mtime ctime", c.P("dir", "renamed"), file);
        await Step("mkdir", () => Task.FromResult(Posix.Mkdir(c.P("dir", "sub"))), "nothing", "mtime ctime", c.P("dir", "renamed"));
        await Step("symlink", () => Task.FromResult(Posix.Symlink("x", c.P("dir", "sym"))), "nothing", "mtime ctime", c.P("dir", "renamed"));
        await Step("rmdir", () => Task.FromResult(Posix.Rmdir(c.P("dir", "sub"))), "nothing", "mtime ctime", c.P("dir", "renamed"));
        await Step("chmod of the directory", () => Task.FromResult(Posix.Chmod(dir, Octal("750"))), "nothing", "ctime", c.P("dir", "renamed"));

        // utimensat: explicit times are stored to the nanosecond and change ctime; UTIME_NOW sets both to now.
        var renamed = c.P("dir", "renamed");
        var before = c.Lstat(renamed);
        await Task.Delay(Tick, ct);
        c.Expect(Errno.None, Posix.SetTimes(renamed, new Timespec { tv_sec = 1_500_000_000, tv_nsec = 1 }, new Timespec { tv_sec = 1_600_000_000, tv_nsec = 999_999_999 }));
        var set = c.Lstat(renamed);
        c.Expect("utimensat explicit", "1500000000.000000001 1600000000.999999999 ctime changed", $"{set.st_atim.tv_sec}.{set.st_atim.tv_nsec:D9} {set.st_mtim.tv_sec}.{set.st_mtim.tv_nsec:D9} ctime {(set.st_ctim.tv_sec == before.st_ctim.tv_sec && set.st_ctim.tv_nsec == before.st_ctim.tv_nsec ? "same" : "changed")}");
        c.Expect(Errno.None, Posix.SetTimes(renamed, new Timespec { tv_nsec = Timespec.UtimeOmit }, new Timespec { tv_nsec = Timespec.UtimeNow }));
        var now = c.Lstat(renamed);
        c.Expect("UTIME_OMIT atime, UTIME_NOW mtime", "atime kept, mtime now", $"atime {(now.st_atim.tv_sec == 1_500_000_000 ? "kept" : "changed")}, mtime {(Math.Abs(now.st_mtim.tv_sec - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) <= 5 ? "now" : now.st_mtim.tv_sec.ToString(CultureInfo.InvariantCulture))}");
    }

    private static async Task RenameAsync(Conformance c, CancellationToken ct)
    {
        await File.WriteAllTextAsync(c.P("f"), "f", ct);
        await File.WriteAllTextAsync(c.P("g"), "g", ct);
        c.Expect(Errno.None, Posix.Mkdir(c.P("d")));
        c.Expect(Errno.None, Posix.Mkdir(c.P("d", "sub")));
        c.Expect(Errno.None, Posix.Mkdir(c.P("e")));
        c.Expect(Errno.None, Posix.Mkdir(c.P("full")));
        await Touch(c.P("full", "x"), ct);

        c.Expect("rename onto itself", Errno.None, Posix.Rename(c.P("f"), c.P("f")));
        c.Expect(Errno.None, Posix.Link(c.P("f"), c.P("f-link")));
        c.Expect("rename onto another name of the same inode", Errno.None, Posix.Rename(c.P("f"), c.P("f-link")));
        c.Expect("both names stay", "True True 2", $"{File.Exists(c.P("f"))} {File.Exists(c.P("f-link"))} {c.Lstat(c.P("f")).st_nlink}");
        c.Expect("a directory into its own subdirectory", Errno.EINVAL, Posix.Rename(c.P("d"), c.P("d", "sub", "d")));
        c.Expect("a directory onto its own parent", Errno.ENOTEMPTY, Posix.Rename(c.P("d", "sub"), c.P("d")));
        c.Expect("a file onto a directory", Errno.EISDIR, Posix.Rename(c.P("f"), c.P("e")));
        c.Expect("a directory onto a file", Errno.ENOTDIR, Posix.Rename(c.P("e"), c.P("g")));
        c.Expect("a directory onto a non-empty one", Errno.ENOTEMPTY, Posix.Rename(c.P("e"), c.P("full")));
        c.Expect("a missing source", Errno.ENOENT, Posix.Rename(c.P("missing"), c.P("h")));
        c.Expect("into a missing directory", Errno.ENOENT, Posix.Rename(c.P("f"), c.P("nowhere", "f")));
        c.Expect("under a file", Errno.ENOTDIR, Posix.Rename(c.P("f"), c.P("g", "f")));
        c.Expect("'.' as the source", Errno.EBUSY, Posix.Rename(c.P("d", "."), c.P("dot")));
        c.Expect("onto '..'", Errno.EBUSY, Posix.Rename(c.P("f"), c.P("d", "..")));

        // A file onto a file replaces it; the replaced inode keeps its other links.
        c.Expect(Errno.None, Posix.Link(c.P("g"), c.P("g-link")));
        c.Expect("a file onto a file", Errno.None, Posix.Rename(c.P("f-link"), c.P("g")));
        c.Expect("after replacing", "f g 1 2", $"{await File.ReadAllTextAsync(c.P("g"), ct)} {await File.ReadAllTextAsync(c.P("g-link"), ct)} {c.Lstat(c.P("g-link")).st_nlink} {c.Lstat(c.P("g")).st_nlink}");

        // RENAME_NOREPLACE and RENAME_EXCHANGE.
        c.Expect("NOREPLACE onto an existing name", Errno.EEXIST, Posix.Rename(c.P("g"), c.P("g-link"), Posix.RenameNoReplace));
        c.Expect("NOREPLACE onto a free name", Errno.None, Posix.Rename(c.P("g-link"), c.P("h"), Posix.RenameNoReplace));
        c.Expect("EXCHANGE a file and a directory", Errno.None, Posix.Rename(c.P("h"), c.P("e"), Posix.RenameExchange));
        c.Expect("after the exchange", "100644 40755 g", $"{c.ModeOf(c.P("e"))} {c.ModeOf(c.P("h"))} {await File.ReadAllTextAsync(c.P("e"), ct)}");
        c.Expect("EXCHANGE with a missing name", Errno.ENOENT, Posix.Rename(c.P("e"), c.P("missing"), Posix.RenameExchange));
        c.Expect("EXCHANGE across directories", Errno.None, Posix.Rename(c.P("e"), c.P("d", "sub"), Posix.RenameExchange));
        c.Expect("after the second exchange", "100644 40755", $"{c.ModeOf(c.P("d", "sub"))} {c.ModeOf(c.P("e"))}");
        c.Expect("NOREPLACE with EXCHANGE", Errno.EINVAL, Posix.Rename(c.P("g"), c.P("h"), Posix.RenameNoReplace | Posix.RenameExchange));

        // A directory moves with its contents, and its ".." follows.
        c.Expect(Errno.None, Posix.Rename(c.P("full"), c.P("h", "moved")));
        c.Expect("moved contents", true, File.Exists(c.P("h", "moved", "x")));
        c.Expect("'..' of the moved directory", c.Lstat(c.P("h")).st_ino, c.Lstat(c.P("h", "moved", "..")).st_ino);
        c.Expect("names in the root", "d e f g h", string.Join(' ', Directory.EnumerateFileSystemEntries(c.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
    }

    private static async Task NamesAndPathsAsync(Conformance c, CancellationToken ct)
    {
        var longest = new string('n', 255);
        c.Expect("a 255-byte name", Errno.None, Posix.OpenClose(c.P(longest), Posix.OCreat | Posix.OWrOnly));
        c.Expect("a 256-byte name", Errno.ENAMETOOLONG, Posix.OpenClose(c.P(longest + "n"), Posix.OCreat | Posix.OWrOnly));
        c.Expect("lookup of a 256-byte name", Errno.ENAMETOOLONG, Posix.Stat(c.P(longest + "n"), out _));
        var multibyte = string.Concat(Enumerable.Repeat("é", 127)); // 254 bytes
        c.Expect("a 254-byte UTF-8 name", Errno.None, Posix.Mkdir(c.P(multibyte)));
        c.Expect("a 256-byte UTF-8 name", Errno.ENAMETOOLONG, Posix.Mkdir(c.P(multibyte + "é")));
        foreach (var name in new[] { "with space", "new\nline", "tab\there", "ünïcødé ✓", "-dash", ".hidden", "back\\slash", "'quote\"" })
        {
            c.Expect($"the name {name.Replace("\n", "\\n", StringComparison.Ordinal)}", Errno.None, Posix.OpenClose(c.P(name), Posix.OCreat | Posix.OWrOnly));
        }

        c.Expect("listing of odd names", 10, Directory.EnumerateFileSystemEntries(c.Root).Count());

        // Paths near PATH_MAX (4096 bytes with the NUL), relative to the case's directory: 20 levels of 200-byte names.
        var script = """
            set -e
            n=$(printf 'd%.0s' $(seq 200))
            p=.
            for i in $(seq 20); do p=$p/$n; done
            mkdir -p "$p"
            fits=$(printf 'f%.0s' $(seq $((4095 - ${#p} - 1))))
            errno() { perl -e "$1" "$2"; echo; }
            echo "${#p} $((${#p} + 1 + ${#fits}))"
            errno 'open(my $f, ">", $ARGV[0]) ? print 0 : print $!+0' "$p/$fits"
            errno 'open(my $f, ">", $ARGV[0]) ? print 0 : print $!+0' "$p/${fits}x"
            errno 'my @s = stat($ARGV[0]); print @s ? 0 : $!+0' "$p/$fits"
            errno 'symlink("t" x 4095, $ARGV[0]) ? print 0 : print $!+0' "$n/long-link"
            errno 'print length(readlink($ARGV[0]))' "$n/long-link"
            errno 'symlink("t" x 4096, $ARGV[0]) ? print 0 : print $!+0' "$n/too-long-link"
            cd "$p" && pwd | wc -c
            """;
        var lines = (await Shell.RunCheckedAsync(script, c.Root)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        c.Expect("relative path lengths", "4021 4095", lines[0]);
        c.Expect("create at 4095 bytes", "0", lines[1]);
        c.Expect("create at 4096 bytes", ((int)Errno.ENAMETOOLONG).ToString(CultureInfo.InvariantCulture), lines[2]);
        c.Expect("stat at 4095 bytes", "0", lines[3]);
        c.Expect("a 4095-byte symlink target", "0", lines[4]);
        c.Expect("readlink of it", "4095", lines[5]);
        c.Expect("a 4096-byte symlink target", ((int)Errno.ENAMETOOLONG).ToString(CultureInfo.InvariantCulture), lines[6]);
        c.Expect("pwd deeper than PATH_MAX from /", true, int.Parse(lines[7], CultureInfo.InvariantCulture) > 4000);
    }

    private static async Task ErrnoAsync(Conformance c, CancellationToken ct)
    {
        await File.WriteAllTextAsync(c.P("file"), "x", ct);
        c.Expect(Errno.None, Posix.Mkdir(c.P("dir")));
        c.Expect(Errno.None, Posix.Symlink("loop", c.P("loop")));
        c.Expect(Errno.None, Posix.Symlink("missing", c.P("dangling")));

        c.Expect("open of a missing file", Errno.ENOENT, Posix.OpenClose(c.P("missing"), Posix.ORdOnly));
        c.Expect("O_CREAT|O_EXCL on an existing file", Errno.EEXIST, Posix.OpenClose(c.P("file"), Posix.OCreat | Posix.OExcl | Posix.OWrOnly));
        c.Expect("O_CREAT|O_EXCL on a dangling symlink", Errno.EEXIST, Posix.OpenClose(c.P("dangling"), Posix.OCreat | Posix.OExcl | Posix.OWrOnly));
        c.Expect("O_DIRECTORY on a file", Errno.ENOTDIR, Posix.OpenClose(c.P("file"), Posix.ORdOnly | Posix.ODirectory));
        c.Expect("a directory opened for writing", Errno.EISDIR, Posix.OpenClose(c.P("dir"), Posix.OWrOnly));
        c.Expect("a file as a path component", Errno.ENOTDIR, Posix.Stat(c.P("file", "x"), out _));
        c.Expect("a symlink loop", Errno.ELOOP, Posix.Stat(c.P("loop"), out _));
        c.Expect("mkdir of an existing name", Errno.EEXIST, Posix.Mkdir(c.P("file")));
        c.Expect("mkdir in a missing directory", Errno.ENOENT, Posix.Mkdir(c.P("missing", "d")));
        c.Expect("rmdir of a file", Errno.ENOTDIR, Posix.Rmdir(c.P("file")));
        c.Expect("rmdir of '.'", Errno.EINVAL, Posix.Rmdir(c.P("dir", ".")));
        c.Expect("rmdir of a missing name", Errno.ENOENT, Posix.Rmdir(c.P("missing")));
        c.Expect("unlink of a directory", Errno.EISDIR, Posix.Unlink(c.P("dir")));
        c.Expect("unlink of a missing name", Errno.ENOENT, Posix.Unlink(c.P("missing")));
        c.Expect("link to a missing file", Errno.ENOENT, Posix.Link(c.P("missing"), c.P("l")));
        c.Expect("link onto an existing name", Errno.EEXIST, Posix.Link(c.P("file"), c.P("dir")));
        c.Expect("link of a directory", Errno.EPERM, Posix.Link(c.P("dir"), c.P("dir2")));
        c.Expect("symlink onto an existing name", Errno.EEXIST, Posix.Symlink("x", c.P("file")));
        c.Expect("readlink of a regular file", Errno.EINVAL, Posix.ReadLink(c.P("file")));
        c.Expect("truncate of a directory", Errno.EISDIR, Posix.Truncate(c.P("dir"), 0));
        c.Expect("truncate to a negative size", Errno.EINVAL, Posix.Truncate(c.P("file"), -1));
        c.Expect("getxattr of a missing attribute", Errno.ENODATA, Posix.GetXattr(c.P("file"), "user.missing", 10).Error);
        c.Expect(Errno.None, Posix.SetXattr(c.P("file"), "user.a", "1"u8));
        c.Expect("XATTR_CREATE of an existing attribute", Errno.EEXIST, Posix.SetXattr(c.P("file"), "user.a", "2"u8, Posix.XattrCreate));
        c.Expect("XATTR_REPLACE of a missing attribute", Errno.ENODATA, Posix.SetXattr(c.P("file"), "user.b", "2"u8, Posix.XattrReplace));
        c.Expect(Errno.None, Posix.SetXattr(c.P("file"), "user.a", "12"u8));
        c.Expect("getxattr into a small buffer", Errno.ERANGE, Posix.GetXattr(c.P("file"), "user.a", 1).Error);
        c.Expect("getxattr size probe", 2L, Posix.GetXattr(c.P("file"), "user.a", 0).Length);
        c.Expect("removexattr of a missing attribute", Errno.ENODATA, Posix.RemoveXattr(c.P("file"), "user.b"));
        c.Expect("chmod of a missing file", Errno.ENOENT, Posix.Chmod(c.P("missing"), Octal("644")));

        // Descriptor errors: writing a read-only descriptor, ftruncate of one.
        var output = await Shell.RunCheckedAsync(
            """
            perl -e 'open(my $f, "<", "file") or die; print defined(syswrite($f, "x")) ? 0 : $!+0; print " "; print truncate($f, 0) ? 0 : $!+0'
            """,
            c.Root);
        c.Expect("write and ftruncate of an O_RDONLY descriptor", $"{(int)Errno.EBADF} {(int)Errno.EINVAL}", output);
        c.Expect("the file is unchanged", "x", await File.ReadAllTextAsync(c.P("file"), ct));
    }
}
