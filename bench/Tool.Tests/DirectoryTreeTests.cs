using ReplicaFs.Bench.Metadata;

namespace ReplicaFs.Bench.Tests;

public sealed class DirectoryTreeTests
{
    [Theory]
    [InlineData(8, 3, 584)]
    [InlineData(2, 1, 2)]
    [InlineData(1, 5, 5)]
    [InlineData(3, 2, 12)]
    public void Has_fanout_plus_fanout_squared_and_so_on_directories(int fanout, int depth, int expected)
    {
        var paths = DirectoryTree.DepthFirst(fanout, depth);

        Assert.Equal(expected, paths.Count);
        Assert.Equal(expected, DirectoryTree.Count(fanout, depth));
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(depth, paths.Max(p => p.Split('/').Length));
    }

    [Fact]
    public void Every_directory_comes_after_its_parent()
    {
        var paths = DirectoryTree.DepthFirst(4, 3);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var path in paths)
        {
            var slash = path.LastIndexOf('/');
            if (slash > 0)
            {
                Assert.Contains(path[..slash], seen);
            }

            seen.Add(path);
        }
    }
}
