using System.Text.RegularExpressions;
using ReplicaFs.Testing.Launcher;

namespace ReplicaFs.SystemTests.Launcher;

/// <summary>
/// <c>./replicafs demo</c> as a user runs it: a fresh local cluster with a real FUSE mount, the seed's walkthrough
/// narrated and checked step by step (servers up, mount, files, corrupt → detect → repair, kill → restart empty →
/// rebuild), exit code 0, and nothing left behind.
/// </summary>
public sealed partial class DemoTests(ITestOutputHelper output)
{
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(8);

    [Fact(Timeout = 600_000)]
    public async Task The_demo_walks_through_every_step_checks_each_and_cleans_up_after_itself()
    {
        var demo = await LauncherScript.RunAsync(["demo"], DemoTimeout, TestContext.Current.CancellationToken);
        output.WriteLine(demo.ToString());

        Assert.True(demo.ExitCode == 0, demo.ToString());
        for (var step = 1; step <= 6; step++)
        {
            Assert.Contains($"== Step {step}/6: ", demo.Stdout, StringComparison.Ordinal);
        }

        // Each step's checks, in order.
        Assert.Matches(@"\[ok\] 4 data servers are Up and the cluster is HEALTHY\.", demo.Stdout);
        Assert.Matches(@"\[ok\] \S+ is mounted \(fuse\.replicafs\)", demo.Stdout);
        Assert.Contains("[ok] The mount registered its quorums at the metadata server: Qr=2, Qw=2", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("[ok] All 3 files read back through the mount (SHA-256 equal).", demo.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\[ok\] fsck found the corrupt replica on data-\d\.", demo.Stdout);
        Assert.Matches(@"\[ok\] data-\d repaired its replica from a peer and verified it\.", demo.Stdout);
        Assert.Matches(@"scrub\.finding .*corrupt", demo.Stdout);
        Assert.Matches(@"repair\.finished .*is ok again .*\(was Corrupt\)", demo.Stdout);
        Assert.Contains("[ok] All 4 files read back identical while the server is down (SHA-256 equal).", demo.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"data-\d is Down at the metadata server", demo.Stdout);
        Assert.Matches(@"data-\d is Up again after .*: rebuilt [1-9]\d* replicas", demo.Stdout);
        Assert.Matches(@"server\.empty .*came back empty", demo.Stdout);
        Assert.Matches(@"rebuild\.finished .*[1-9]\d* copied and verified", demo.Stdout);
        Assert.Contains("[ok] fsck verified every replica of all 4 files.", demo.Stdout, StringComparison.Ordinal);
        Assert.Contains("The demo behaved at every step.", demo.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", demo.Stdout + demo.Stderr, StringComparison.Ordinal);

        // Cleaned up: the cluster stopped, the mount gone, the temporary directory removed.
        var directory = DemoDirectory().Match(demo.Stderr);
        Assert.True(directory.Success, demo.Stderr);
        var root = directory.Groups["dir"].Value;
        Assert.Contains($"Cleaning up: stopping the demo's cluster and removing {root}", demo.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root), $"{root} is still there");
        Assert.DoesNotContain(root, await File.ReadAllTextAsync("/proc/self/mountinfo", TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_demo_refuses_unknown_options_without_starting_anything()
    {
        var demo = await LauncherScript.RunAsync(["demo", "--fast"], TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(2, demo.ExitCode);
        Assert.Contains("demo: unknown option '--fast'", demo.Stderr, StringComparison.Ordinal);
        Assert.Empty(demo.Stdout);
    }

    [GeneratedRegex(@"for the demo in (?<dir>/\S+?):")]
    private static partial Regex DemoDirectory();
}
