using BenchmarkDotNet.Attributes;
using ReplicaFs.Bench.Micro.Setup;

namespace ReplicaFs.Bench.Micro.Metadata;

/// <summary>
/// Metadata calls through the client (Refit over loopback HTTP to the metadata server, SQLite behind it): reads,
/// and pairs of namespace changes that leave the tree as it was (each change one durable transaction).
/// </summary>
[MemoryDiagnoser]
public class MetadataBenchmarks
{
    private const long Root = 1;
    private MicroCluster? _cluster;
    private long _file;

    /// <summary>Starts meta and one data server, creates one file to look up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cluster = MicroCluster.StartAsync(dataServers: 1, readQuorum: 1, writeQuorum: 1).GetAwaiter().GetResult();
        _file = _cluster.Client.CreateFileAsync("/present").GetAwaiter().GetResult().Ino;
    }

    /// <summary>Stops the cluster.</summary>
    [GlobalCleanup]
    public void Cleanup() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>getattr.</summary>
    [Benchmark(Description = "getattr")]
    public long GetAttributes() => _cluster!.Client.GetAttributesAsync(_file).GetAwaiter().GetResult().Ino;

    /// <summary>lookup of a name that exists.</summary>
    [Benchmark(Description = "lookup")]
    public long Lookup() => _cluster!.Client.LookupAsync(Root, "present").GetAwaiter().GetResult().Ino;

    /// <summary>mkdir then rmdir.</summary>
    [Benchmark(Description = "mkdir + rmdir")]
    public void MakeAndRemoveDirectory()
    {
        var client = _cluster!.Client;
        client.MakeDirectoryAsync(Root, "d").GetAwaiter().GetResult();
        client.RemoveDirectoryAsync(Root, "d").GetAwaiter().GetResult();
    }

    /// <summary>create (empty file) then unlink.</summary>
    [Benchmark(Description = "create + unlink")]
    public void CreateAndUnlink()
    {
        var client = _cluster!.Client;
        client.CreateFileAsync(Root, "f").GetAwaiter().GetResult();
        client.UnlinkAsync(Root, "f").GetAwaiter().GetResult();
    }
}
