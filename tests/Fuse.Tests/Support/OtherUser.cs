using System.Globalization;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// One system call made by another user (uid = gid, no supplementary groups, umask 022) through a small perl program
/// run under setpriv, answering the exact errno. The users need no passwd entries.
/// </summary>
internal static class OtherUser
{
    /// <summary>An ordinary user.</summary>
    public const uint Alice = 1000;

    /// <summary>Another ordinary user, in none of Alice's groups.</summary>
    public const uint Bob = 1001;

    private const string Program = """
        use strict; use Fcntl;
        umask 022;
        my ($op, @a) = @ARGV; my $ok; my $fh; my $dh;
        if ($op eq 'create') { $ok = sysopen($fh, $a[0], O_CREAT|O_EXCL|O_WRONLY, oct($a[1])); }
        elsif ($op eq 'read') { $ok = sysopen($fh, $a[0], O_RDONLY); }
        elsif ($op eq 'write') { $ok = sysopen($fh, $a[0], O_WRONLY|O_APPEND) && defined(syswrite($fh, $a[1])) && close($fh); }
        elsif ($op eq 'list') { $ok = opendir($dh, $a[0]) && defined(readdir($dh)); }
        elsif ($op eq 'mkdir') { $ok = mkdir($a[0], oct($a[1])); }
        elsif ($op eq 'rmdir') { $ok = rmdir($a[0]); }
        elsif ($op eq 'unlink') { $ok = unlink($a[0]); }
        elsif ($op eq 'rename') { $ok = rename($a[0], $a[1]); }
        elsif ($op eq 'link') { $ok = link($a[0], $a[1]); }
        elsif ($op eq 'symlink') { $ok = symlink($a[0], $a[1]); }
        elsif ($op eq 'chmod') { $ok = chmod(oct($a[1]), $a[0]); }
        elsif ($op eq 'chown') { $ok = chown($a[1], $a[2], $a[0]); }
        elsif ($op eq 'touch') { $ok = utime(undef, undef, $a[0]); }
        elsif ($op eq 'settime') { $ok = utime($a[1], $a[1], $a[0]); }
        elsif ($op eq 'truncate') { $ok = truncate($a[0], $a[1]); }
        elsif ($op eq 'stat') { $ok = stat($a[0]); }
        else { die "unknown operation $op"; }
        print $ok ? 0 : $!+0;
        """;

    private static readonly Lazy<string> ScriptPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"replicafs-other-user-{Environment.ProcessId}.pl");
        File.WriteAllText(path, Program);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return path;
    });

    /// <summary>Runs <paramref name="operation"/> as <paramref name="uid"/>; returns its errno (None on success).</summary>
    public static async Task<Errno> TryAsync(uint uid, string operation, params string[] arguments)
    {
        var quoted = string.Join(' ', arguments.Prepend(operation).Select(Quote));
        var result = await Shell.RunAsync($"perl {Quote(ScriptPath.Value)} {quoted}", uid: uid, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0 && int.TryParse(result.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _),
            $"perl {operation} as {uid} failed to run ({result.ExitCode}): {result.Output} {result.Error}");
        return (Errno)int.Parse(result.Output.Trim(), CultureInfo.InvariantCulture);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
