using System.Diagnostics;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.FileSystems;

/// <summary>Timing tests run alone so that the machine's other work disturbs them as little as possible.</summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;

/// <summary>
/// The PARALLEL_DIROPS workaround: without it the kernel serialises LOOKUPs in one directory (libfuse 3.14 never
/// sends the capability), with it 16 slow lookups of different names overlap.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class ParallelLookupTests
{
    private const int Lookups = 16;
    private static readonly TimeSpan LookupDelay = TimeSpan.FromMilliseconds(200);

    [Fact(Timeout = 60_000)]
    public async Task Parallel_lookups_in_one_directory_overlap_with_the_workaround()
    {
        var fs = new ScriptedFileSystem(LookupDelay);
        await using var mount = await TestMount.StartAsync(fs, TestMount.DefaultOptions with { ParallelDirectoryOperations = true });

        var elapsed = StatInParallel(mount, "on", TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"{Lookups} parallel stats with {LookupDelay.TotalMilliseconds} ms lookups: {elapsed.TotalMilliseconds:0} ms, at most {fs.MaxLookupsInFlight} in flight");
        Assert.True(elapsed < LookupDelay * Lookups / 2, $"took {elapsed.TotalMilliseconds:0} ms; serialised would be {(LookupDelay * Lookups).TotalMilliseconds} ms");
        Assert.True(fs.MaxLookupsInFlight >= 4, $"at most {fs.MaxLookupsInFlight} lookups ran at once");
    }

    [Fact(Timeout = 60_000)]
    public async Task Without_the_workaround_the_kernel_serialises_them()
    {
        var fs = new ScriptedFileSystem(LookupDelay);
        await using var mount = await TestMount.StartAsync(fs, TestMount.DefaultOptions with { ParallelDirectoryOperations = false });

        var elapsed = StatInParallel(mount, "off", TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"without the workaround: {elapsed.TotalMilliseconds:0} ms, at most {fs.MaxLookupsInFlight} in flight");
        Assert.Equal(1, fs.MaxLookupsInFlight);
        Assert.True(elapsed >= LookupDelay * (Lookups - 1), $"took only {elapsed.TotalMilliseconds:0} ms");
    }

    /// <summary>16 threads stat 16 different names at once (each name is new, so each costs one LOOKUP).</summary>
    private static TimeSpan StatInParallel(TestMount mount, string prefix, CancellationToken cancellationToken)
    {
        var results = new Errno[Lookups];
        using var start = new Barrier(Lookups + 1);
        var threads = Enumerable.Range(0, Lookups).Select(i => new Thread(() =>
        {
            start.SignalAndWait(cancellationToken);
            results[i] = Posix.Stat(mount.PathOf($"{prefix}-{i}"), out _);
        })).ToList();
        threads.ForEach(t => t.Start());
        start.SignalAndWait(cancellationToken);
        var clock = Stopwatch.StartNew();
        threads.ForEach(t => t.Join());
        clock.Stop();
        Assert.All(results, r => Assert.Equal(Errno.None, r));
        return clock.Elapsed;
    }
}
