namespace ReplicaFs.Bench.Metadata;

/// <summary>The shape of the nested tree the mkdir phase creates.</summary>
public static class DirectoryTree
{
    /// <summary>
    /// The relative paths of a tree with <paramref name="fanout"/> subdirectories per directory and
    /// <paramref name="depth"/> levels, depth-first: every directory comes before its children
    /// (fan-out 8, depth 3: 8 + 64 + 512 = 584 directories).
    /// </summary>
    public static IReadOnlyList<string> DepthFirst(int fanout, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        var paths = new List<string>(Count(fanout, depth));
        Add(paths, string.Empty, fanout, depth);
        return paths;
    }

    /// <summary>How many directories <see cref="DepthFirst"/> returns: fanout + fanout² + … + fanout^depth.</summary>
    public static int Count(int fanout, int depth)
    {
        long total = 0;
        long level = 1;
        for (var i = 0; i < depth; i++)
        {
            level *= fanout;
            total += level;
            if (total > 1_000_000)
            {
                throw new ArgumentOutOfRangeException(nameof(depth), "The tree would have more than 1,000,000 directories.");
            }
        }

        return (int)total;
    }

    private static void Add(List<string> paths, string parent, int fanout, int levels)
    {
        for (var i = 0; i < fanout; i++)
        {
            var path = parent.Length == 0 ? $"d{i}" : $"{parent}/d{i}";
            paths.Add(path);
            if (levels > 1)
            {
                Add(paths, path, fanout, levels - 1);
            }
        }
    }
}
