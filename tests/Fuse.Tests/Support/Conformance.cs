using System.Globalization;
using System.Runtime.CompilerServices;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Interop.Structs;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// Records the steps of a POSIX conformance case against one directory tree: each step is compared with its expected
/// result, and every mismatch is kept (not just the first), so one run shows all the differences.
/// </summary>
internal sealed class Conformance(string root)
{
    private readonly List<string> _mismatches = [];
    private readonly List<string> _steps = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>The directory the case works in (the mount's or the local ext4 one).</summary>
    public string Root { get; } = root;

    /// <summary>Every step with its result, for the test output.</summary>
    public IReadOnlyList<string> Steps => _steps;

    /// <summary>The steps whose result differed from the expected one.</summary>
    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>A path under the case's root.</summary>
    public string P(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Compares one result with its expectation.</summary>
    public void Expect<T>(string step, T expected, T actual)
    {
        var line = $"{_clock.ElapsedMilliseconds,6} ms  {step}: {Show(actual)}";
        _steps.Add(line);
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            _mismatches.Add($"{step}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    /// <summary>Compares the errno of a root operation made in this process.</summary>
    public void Expect(Errno expected, Errno actual, [CallerArgumentExpression(nameof(actual))] string step = "") => Expect(step, expected, actual);

    /// <summary>Compares the errno of an operation made as another user.</summary>
    public async Task ExpectAsync(Errno expected, uint uid, string operation, params string[] arguments)
    {
        var actual = await OtherUser.TryAsync(uid, operation, arguments);
        var who = uid == OtherUser.Alice ? "alice" : uid == OtherUser.Bob ? "bob" : uid.ToString(CultureInfo.InvariantCulture);
        Expect($"{who} {operation} {string.Join(' ', arguments.Select(a => a.StartsWith(Root, StringComparison.Ordinal) ? Path.GetRelativePath(Root, a) : a))}", expected, actual);
    }

    /// <summary>lstat of a path, failing the case (not the test run) when it is missing.</summary>
    public Stat Lstat(string path)
    {
        var errno = Posix.Lstat(path, out var stat);
        if (errno != Errno.None)
        {
            _mismatches.Add($"lstat {Path.GetRelativePath(Root, path)}: {errno}");
        }

        return stat;
    }

    /// <summary>Mode bits (permissions and type) as octal text.</summary>
    public string ModeOf(string path) => Convert.ToString(Lstat(path).st_mode, 8);

    /// <summary>uid:gid.</summary>
    public string OwnerOf(string path)
    {
        var stat = Lstat(path);
        return $"{stat.st_uid}:{stat.st_gid}";
    }

    /// <summary>Which of mtime and ctime (and atime with <paramref name="withAtime"/>) differ between two stats.</summary>
    public static string Changed(Stat before, Stat after, bool withAtime = false)
    {
        var changed = new List<string>();
        if (withAtime && !Same(before.st_atim, after.st_atim))
        {
            changed.Add("atime");
        }

        if (!Same(before.st_mtim, after.st_mtim))
        {
            changed.Add("mtime");
        }

        if (!Same(before.st_ctim, after.st_ctim))
        {
            changed.Add("ctime");
        }

        return changed.Count == 0 ? "nothing" : string.Join(' ', changed);
    }

    private static bool Same(Timespec a, Timespec b) => a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;

    private static string Show<T>(T value) => value switch
    {
        null => "null",
        string text => $"'{text}'",
        _ => value.ToString() ?? "",
    };
}
