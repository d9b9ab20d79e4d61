using ReplicaFs.Bench.Metadata;

namespace ReplicaFs.Bench.Tests;

public sealed class MetadataWorkloadTests
{
    [Fact]
    public void Runs_every_phase_in_order_and_leaves_the_directory_as_it_found_it()
    {
        using var directory = new TemporaryDirectory();
        var options = new MetadataWorkloadOptions
        {
            Directory = directory.Path,
            Files = 40,
            FileBytes = 100,
            TreeFanout = 3,
            TreeDepth = 2,
            Listings = 2,
        };

        var figures = new MetadataWorkload(options, TextWriter.Null).Run();

        Assert.Equal(["create", "stat", "readdir", "unlink", "mkdir_tree", "rmdir_tree"], figures.Select(f => f.Test));
        Assert.All(figures, f => Assert.True(f.Value > 0, $"{f.Test} has value {f.Value}"));
        Assert.Equal(40, Detail(figures[0], "ops"));
        Assert.Equal(2, Detail(figures[2], "ops"));
        Assert.Equal(80L, Detail(figures[2], "items"));
        Assert.Equal(12, Detail(figures[4], "ops"));
        Assert.Equal(12, Detail(figures[5], "ops"));
        Assert.Equal(false, Detail(figures[1], "cold_cache"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void A_missing_directory_is_reported_before_anything_is_created()
    {
        using var directory = new TemporaryDirectory();
        var missing = Path.Join(directory.Path, "absent");
        var workload = new MetadataWorkload(new MetadataWorkloadOptions { Directory = missing }, TextWriter.Null);

        Assert.Throws<DirectoryNotFoundException>(() => workload.Run());
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void A_tree_of_more_than_a_million_directories_is_refused()
    {
        var options = new MetadataWorkloadOptions { Directory = Path.GetTempPath(), TreeFanout = 1000, TreeDepth = 3 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new MetadataWorkload(options, TextWriter.Null));
    }

    private static object Detail(Results.Figure figure, string key) =>
        figure.Detail.Single(d => d.Key == key).Value;
}
