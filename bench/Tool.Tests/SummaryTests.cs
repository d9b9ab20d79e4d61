using ReplicaFs.Bench.Results;
using ReplicaFs.Bench.Summary;

namespace ReplicaFs.Bench.Tests;

public sealed class SummaryTests
{
    private static readonly SystemRecord Bindfs = new("bindfs", "measured", null, "1.14.7", 1, null, null);
    private static readonly SystemRecord Gluster = new("glusterfs", "measured", null, "10.3", 3, null, null);
    private static readonly SystemRecord ReplicaFsUnavailable = new("replicafs-r3", "unavailable", "ReplicaFs: not available (no mount yet)", null, 3, null, null);

    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void Median_is_the_middle_value_or_the_mean_of_the_two_middle_values(double[] values, double expected) =>
        Assert.Equal(expected, Statistics.Median(values));

    [Fact]
    public void Median_of_nothing_is_refused() =>
        Assert.Throws<ArgumentException>(() => Statistics.Median([]));

    [Fact]
    public void Medians_ranges_and_ratios_come_from_the_rounds()
    {
        var summary = RunSummary.Build([Bindfs, Gluster],
        [
            Record("bindfs", 1, "seq_read", 200), Record("bindfs", 2, "seq_read", 100), Record("bindfs", 3, "seq_read", 300),
            Record("glusterfs", 1, "seq_read", 50), Record("glusterfs", 2, "seq_read", 70), Record("glusterfs", 3, "seq_read", 60),
        ]);

        var gluster = summary.Get("glusterfs", "seq_read");
        Assert.NotNull(gluster);
        Assert.Equal((60.0, 50.0, 70.0, 3), (gluster.Median, gluster.Min, gluster.Max, gluster.Rounds));
        Assert.Equal(0.3, summary.Ratio("glusterfs", "bindfs", "seq_read")!.Value, 6);
        Assert.Null(summary.Ratio("glusterfs", "bindfs", "create"));
    }

    [Fact]
    public void Ratios_of_lower_is_better_figures_are_turned_so_that_above_one_is_better()
    {
        var summary = RunSummary.Build([Bindfs, Gluster],
        [
            Record("bindfs", 1, "client_peak_rss_write", 10, Better.Lower),
            Record("glusterfs", 1, "client_peak_rss_write", 40, Better.Lower),
        ]);

        Assert.Equal(0.25, MarkdownReport.BetterRatio(summary, "glusterfs", "bindfs", "client_peak_rss_write")!.Value, 6);
    }

    [Fact]
    public void Without_a_replicafs_mount_the_report_says_so_and_still_compares_the_peers_with_bindfs()
    {
        var summary = RunSummary.Build([Bindfs, Gluster, ReplicaFsUnavailable],
        [
            Record("bindfs", 1, "seq_read", 400), Record("glusterfs", 1, "seq_read", 100),
        ]);

        var markdown = MarkdownReport.Render(summary, [new("cpus", "2")], "Run");

        Assert.Contains("ReplicaFs: not available (no mount yet).", markdown, StringComparison.Ordinal);
        Assert.Contains("| seq_read | 0.25× |", markdown, StringComparison.Ordinal);
        Assert.Contains("| seq_read | MiB/s | 400 | 100 |", markdown, StringComparison.Ordinal);
        Assert.Contains("- cpus: 2", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("replicafs-r3 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measured_replicafs_is_compared_with_every_peer()
    {
        var replicaFs = ReplicaFsUnavailable with { Status = "measured", Reason = null };
        var summary = RunSummary.Build([Bindfs, Gluster, replicaFs],
        [
            Record("bindfs", 1, "create", 1000), Record("glusterfs", 1, "create", 200), Record("replicafs-r3", 1, "create", 300),
        ]);

        var markdown = MarkdownReport.Render(summary, [], "Run");

        Assert.Contains("### replicafs-r3", markdown, StringComparison.Ordinal);
        Assert.Contains("| figure | vs bindfs | vs glusterfs |", markdown, StringComparison.Ordinal);
        Assert.Contains("| create | 0.30× | 1.50× |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("not available", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_figure_only_some_systems_have_still_shows_its_unit()
    {
        var local = new SystemRecord("local", "measured", null, null, 1, null, null);
        var summary = RunSummary.Build([local, Gluster],
        [
            Record("local", 1, "seq_read", 900),
            Record("glusterfs", 1, "client_peak_rss_write", 48, Better.Lower),
        ]);

        var markdown = MarkdownReport.Render(summary, [], "Run");

        Assert.Contains("| client_peak_rss_write | MiB/s (lower is better) | – | 48.0 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_results_directory_is_read_back_and_a_bad_line_is_named()
    {
        using var directory = new TemporaryDirectory();
        var figure = new Figure("create", "files/s", 123.4567, Better.Higher, [new("ops", 2000), new("cold_cache", true)]);
        var line = FigureJson.ToJsonLine(figure).Insert(1, "\"system\":\"bindfs\",\"round\":2,");
        File.WriteAllLines(Path.Join(directory.Path, ResultsDirectory.RawFile), [line]);
        File.WriteAllLines(Path.Join(directory.Path, ResultsDirectory.SystemsFile),
            ["{\"system\":\"bindfs\",\"status\":\"measured\",\"describe\":{\"version\":\"1.14.7\",\"replicas\":1,\"durability\":\"one copy\"}}"]);
        File.WriteAllText(Path.Join(directory.Path, ResultsDirectory.MachineFile), "{\"cpus\":\"2\",\"load\":[1,2]}");

        var results = ResultsDirectory.Load(directory.Path);

        Assert.Equal(new ResultRecord("bindfs", 2, "create", "files/s", 123.457, Better.Higher), Assert.Single(results.Records));
        var system = Assert.Single(results.Systems);
        Assert.Equal(("bindfs", "1.14.7", (int?)1, "one copy"), (system.Name, system.Version, system.Replicas, system.Durability));
        Assert.Equal([new("cpus", "2"), new("load", "[1,2]")], results.Machine);

        File.AppendAllLines(Path.Join(directory.Path, ResultsDirectory.RawFile), ["{\"system\":\"bindfs\"}"]);
        var error = Assert.Throws<InvalidDataException>(() => ResultsDirectory.Load(directory.Path));
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    private static ResultRecord Record(string system, int round, string test, double value, Better better = Better.Higher) =>
        new(system, round, test, "MiB/s", value, better);
}
