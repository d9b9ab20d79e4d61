using System.Diagnostics;
using System.Security.Cryptography;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>
/// A file much larger than the client's memory budget, on a seed-shaped cluster with 4 MiB chunks. It runs alone,
/// because it measures the process's managed heap.
/// </summary>
[Collection(LargeFileGroup.Name)]
public sealed class LargeFileTests
{
    private const int ChunkSize = 4 * 1024 * 1024;
    private const long FileSize = 256L * 1024 * 1024;
    private const int IoSize = 1024 * 1024;
    private const long HeapLimit = 200L * 1024 * 1024;

    [Fact]
    public async Task A_256_MiB_file_is_written_and_read_back_with_equal_SHA256_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ClusterClient.Seed(ChunkSize), ct);
        await using var client = await ClusterClient.ConnectAsync(cluster, configure: o => o with
        {
            BufferBudgetBytes = 64L * 1024 * 1024,
            MaxDirtyBytesPerFile = 32L * 1024 * 1024,
            ReadAheadBytes = 16L * 1024 * 1024,
            TransferTimeout = TimeSpan.FromSeconds(60),
        });
        var file = await client.CreateFileAsync("/big.bin", cancellationToken: ct);

        // Start from a clean heap: what earlier tests in this process left behind is not this test's.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var sampler = new HeapSampler();

        var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var block = new byte[IoSize];
        var watch = Stopwatch.StartNew();
        await using (var handle = await client.OpenFileAsync(file.Ino, ct))
        {
            for (long offset = 0; offset < FileSize; offset += IoSize)
            {
                new Random((int)(offset / IoSize)).NextBytes(block);
                written.AppendData(block);
                await handle.WriteAsync(offset, block, ct);
            }
        }

        var writeTime = watch.Elapsed;
        Assert.Equal(FileSize, (await client.GetAttributesAsync(file.Ino, ct)).Size);
        Assert.Equal(FileSize / ChunkSize, (await cluster.MetaApi.GetChunksAsync(file.Ino, cancellationToken: ct)).Chunks.Count);

        watch.Restart();
        var read = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var reader = await client.OpenFileAsync(file.Ino, ct))
        {
            long position = 0;
            int count;
            while ((count = await reader.ReadAsync(position, block, ct)) > 0)
            {
                read.AppendData(block, 0, count);
                position += count;
            }

            Assert.Equal(FileSize, position);
        }

        var readTime = watch.Elapsed;
        Assert.Equal(written.GetHashAndReset(), read.GetHashAndReset());
        Assert.True(sampler.Peak < HeapLimit, $"managed heap peaked at {sampler.Peak / (1024 * 1024)} MiB");
        Assert.Equal(client.Budget.Capacity, client.Budget.Available);
        TestContext.Current.TestOutputHelper?.WriteLine($"256 MiB: write {writeTime.TotalSeconds:0.0} s, read {readTime.TotalSeconds:0.0} s, heap peak {sampler.Peak / (1024 * 1024)} MiB");
    }

    /// <summary>Samples the managed heap size every 20 ms.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public HeapSampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long Peak
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeFileGroup
{
    /// <summary>Runs after everything else, alone.</summary>
    public const string Name = "client large file";
}
