using System.Globalization;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// Hostile names through the mount, on every call that takes a name: bytes that are not UTF-8 (0xFF, an overlong '/',
/// an encoded surrogate, a truncated sequence, a code point above U+10FFFF), names over 255 bytes (ASCII and
/// multi-byte) and paths over PATH_MAX. Each gets its POSIX errno — EILSEQ where a name would be created, ENOENT where
/// one is looked up (a name that cannot be stored cannot exist), ENAMETOOLONG for length — nothing is created, renamed
/// or removed (checked through the mount and through the metadata server), and the mount keeps working.
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class HostileNameTests(ReplicaClusterFixture fixture)
{
    /// <summary>One line per call: its label and the errno (0 when it succeeded).</summary>
    private const string Script = """
        use strict;
        sub r { my ($label, $ok) = @_; print "$label ", ($ok ? 0 : $!+0), "\n"; }
        sub look { my ($label, $path) = @_; my @st = lstat($path); print "$label ", (@st ? 0 : $!+0), "\n"; }
        open(my $f, ">", "file") or die "file: $!"; print $f "kept"; close $f;
        mkdir("dir") or die "dir: $!";
        my @bad = ("\xff", "a\xfeb", "\xc0\xaf", "\xed\xa0\x80", "ok\xc3", "x\xf4\x90\x80\x80");
        for my $i (0 .. $#bad) {
          my $n = $bad[$i];
          r("create $i", open(my $g, ">", $n));
          r("mkdir $i", mkdir($n));
          r("rename-to $i", rename("file", $n));
          r("rename-dir-to $i", rename("dir", $n));
          r("link $i", link("file", $n));
          r("symlink-name $i", symlink("target", $n));
          r("symlink-target $i", symlink($n, "link$i"));
          look("lookup $i", $n);
          look("lookup-below $i", "dir/$n");
          r("unlink $i", unlink($n));
          r("rmdir $i", rmdir($n));
          r("rename-from $i", rename($n, "other"));
          r("create-in-subdir $i", open(my $h, ">", "dir/$n"));
        }
        my @long = ("n" x 256, "\xc3\xa9" x 128, "n" x 4096);
        for my $i (0 .. $#long) {
          my $n = $long[$i];
          r("long-create $i", open(my $g, ">", $n));
          r("long-mkdir $i", mkdir($n));
          r("long-rename-to $i", rename("file", $n));
          r("long-link $i", link("file", $n));
          r("long-symlink-name $i", symlink("target", $n));
          look("long-lookup $i", $n);
        }
        my $deep = join("/", ("d" x 250) x 17);
        r("path-over-4096", open(my $p, ">", "dir/$deep"));
        r("symlink-target-4096", symlink("t" x 4096, "too-long-target"));
        """;

    [Fact(Timeout = 120_000)]
    public async Task Hostile_names_get_their_errno_and_change_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = fixture.Mount.NewDirectory("hostile");
        var output = await Shell.RunCheckedAsync($"perl <<'PERL'\n{Script}\nPERL\n", directory);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(p => string.Join(' ', p[..^1]), p => (Errno)int.Parse(p[^1], CultureInfo.InvariantCulture));

        var unexpected = new List<string>();
        foreach (var (label, errno) in results)
        {
            var expected = Expected(label);
            if (errno != expected)
            {
                unexpected.Add($"{label}: {errno} ({(int)errno}), expected {expected} ({(int)expected})");
            }
        }

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} of {results.Count} calls answered otherwise:\n{string.Join('\n', unexpected)}");
        Assert.Equal(6 * 13 + 3 * 6 + 2, results.Count);

        // Nothing was created, renamed or removed: through the mount, and at the metadata server.
        Assert.Equal(["dir", "file"], Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(directory, "dir")));
        Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(directory, "file"), ct));
        var resolved = await fixture.Cluster.MetaApi.ResolveAsync("/" + Path.GetRelativePath(fixture.Mount.Root, directory), ct);
        var entries = await fixture.Cluster.MetaApi.ReadDirectoryAsync(resolved.Ino, cancellationToken: ct);
        Assert.Equal(["dir", "file"], entries.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2 + 1, resolved.Nlink);

        // The mount still works.
        await File.WriteAllTextAsync(Path.Combine(directory, "after ✓"), "still here", ct);
        Assert.Equal("still here", await File.ReadAllTextAsync(Path.Combine(directory, "after ✓"), ct));
    }

    private static Errno Expected(string label)
    {
        var kind = label.Contains(' ', StringComparison.Ordinal) ? label[..label.LastIndexOf(' ')] : label;
        return kind switch
        {
            // A name that is not UTF-8 cannot be stored: creating it is EILSEQ.
            "create" or "mkdir" or "rename-to" or "rename-dir-to" or "link" or "symlink-name" or "symlink-target" or "create-in-subdir" => Errno.EILSEQ,

            // ... and it cannot exist: looking it up finds nothing.
            "lookup" or "lookup-below" or "unlink" or "rmdir" or "rename-from" => Errno.ENOENT,

            // Over NAME_MAX (the kernel refuses before ReplicaFs sees it), over PATH_MAX.
            "long-create" or "long-mkdir" or "long-rename-to" or "long-link" or "long-symlink-name" or "long-lookup" => Errno.ENAMETOOLONG,
            "path-over-4096" or "symlink-target-4096" => Errno.ENAMETOOLONG,
            _ => throw new InvalidOperationException($"No expectation for '{label}'."),
        };
    }
}
