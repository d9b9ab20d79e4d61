using BenchmarkDotNet.Attributes;
using ReplicaFs.Bench.Micro.Setup;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Bench.Micro.Quorum;

/// <summary>
/// The quorum client's fan-out over three real data servers (every chunk on all three), with the bench peer's
/// quorums (Qr 1, Qw 3) and a majority read (Qr 2): direct reads and writes, no handle, so no cache and no
/// write-behind — what one chunk operation costs on the wire.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(16)]
public class QuorumBenchmarks
{
    private const int Size = 4 * 1024 * 1024;
    private readonly byte[] _small = new byte[4096];
    private readonly byte[] _whole = new byte[Size];
    private MicroCluster? _cluster;
    private byte[] _data = [];
    private long _readIno;
    private long _writeIno;
    private int _block;

    /// <summary>Qr of the client.</summary>
    [Params(1, 2)]
    public int ReadQuorum { get; set; }

    /// <summary>Starts meta and three data servers, writes a 4 MiB file to read.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _cluster = MicroCluster.StartAsync(dataServers: 3, readQuorum: ReadQuorum, writeQuorum: 3).GetAwaiter().GetResult();
        var client = _cluster.Client;
        _data = new byte[Size];
        new Random(3).NextBytes(_data);
        _readIno = client.CreateFileAsync("/read.dat").GetAwaiter().GetResult().Ino;
        client.WriteAsync(_readIno, 0, _data).GetAwaiter().GetResult();
        _writeIno = client.CreateFileAsync("/write.dat").GetAwaiter().GetResult().Ino;
        client.WriteAsync(_writeIno, 0, _data).GetAwaiter().GetResult();
        MicroCluster.Check(client.ReadAsync(_readIno, 0, _whole).GetAwaiter().GetResult() == Size && _whole.AsSpan().SequenceEqual(_data), "the file reads back");
    }

    /// <summary>Stops the cluster.</summary>
    [GlobalCleanup]
    public void Cleanup() => _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>4 KiB from a different 64 KiB block each time: Qr votes (one of them the ranged GET) and one verified block.</summary>
    [Benchmark(Description = "quorum read 4 KiB")]
    public int ReadSmall()
    {
        var offset = (long)(_block++ % (Size / ChunkChecksum.BlockSize)) * ChunkChecksum.BlockSize;
        return _cluster!.Client.ReadAsync(_readIno, offset, _small).GetAwaiter().GetResult();
    }

    /// <summary>A whole chunk: a full digest from every replica and the 4 MiB from one.</summary>
    [Benchmark(Description = "quorum read 4 MiB chunk")]
    public int ReadChunk() => _cluster!.Client.ReadAsync(_readIno, 0, _whole).GetAwaiter().GetResult();

    /// <summary>A whole chunk written: lease, three PUTs, commit.</summary>
    [Benchmark(Description = "quorum write 4 MiB chunk")]
    public void WriteChunk() => _cluster!.Client.WriteAsync(_writeIno, 0, _data).GetAwaiter().GetResult();

    /// <summary>4 KiB into an existing 4 MiB chunk: read of the rest, lease, three 4 MiB PUTs, commit.</summary>
    [Benchmark(Description = "quorum write 4 KiB into a 4 MiB chunk")]
    public void WriteSmall() => _cluster!.Client.WriteAsync(_writeIno, 8192, _data.AsMemory(8192, 4096)).GetAwaiter().GetResult();
}
