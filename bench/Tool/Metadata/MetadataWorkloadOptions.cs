namespace ReplicaFs.Bench.Metadata;

/// <summary>What the metadata workload does, and where.</summary>
public sealed record MetadataWorkloadOptions
{
    /// <summary>The directory (on the file system under test) in which the workload makes its own subdirectory.</summary>
    public required string Directory { get; init; }

    /// <summary>Small files to create, stat, list and unlink.</summary>
    public int Files { get; init; } = 2000;

    /// <summary>Bytes written into each small file (one write).</summary>
    public int FileBytes { get; init; } = 4096;

    /// <summary>Subdirectories per directory in the nested tree.</summary>
    public int TreeFanout { get; init; } = 8;

    /// <summary>Levels of the nested tree below its root.</summary>
    public int TreeDepth { get; init; } = 3;

    /// <summary>How many times the directory of small files is listed.</summary>
    public int Listings { get; init; } = 5;

    /// <summary>Drop the kernel's caches before the stat and readdir phases, so that they reach the file system.</summary>
    public bool DropCaches { get; init; }
}
