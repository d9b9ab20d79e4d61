using System.Diagnostics;
using System.Security.Cryptography;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>A big file through the whole stack, and what stays after the mount that wrote it is gone.</summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class LargeFileTests(ReplicaClusterFixture fixture, ITestOutputHelper output)
{
    private const int Block = 1024 * 1024;
    private const int Blocks = 256;

    [Fact(Timeout = 300_000)]
    public async Task A_256_MiB_file_has_the_same_SHA_256_after_a_remount()
    {
        var directory = TempDirectory.Create("big");
        try
        {
            byte[] written;
            var clock = Stopwatch.StartNew();
            var first = await ClusterMount.StartAsync(fixture.Cluster, readQuorum: 2, writeQuorum: 2, directory: directory);
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var block = new byte[Block];
                var random = new Random(256);
                await using (var stream = new FileStream(first.PathOf("big.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
                {
                    for (var i = 0; i < Blocks; i++)
                    {
                        random.NextBytes(block);
                        hash.AppendData(block);
                        await stream.WriteAsync(block, TestContext.Current.CancellationToken);
                    }
                }

                written = hash.GetHashAndReset();
                output.WriteLine($"wrote 256 MiB in {clock.Elapsed.TotalSeconds:0.0} s, {first.FileSystem.Counters.Writes} FUSE writes");

                // The kernel sends 1 MiB writes (max_write), not 128 KiB pieces.
                Assert.Equal(Block, first.FileSystem.Counters.LargestWrite);
                await first.UnmountAsync();
            }
            finally
            {
                await first.DisposeAsync();
            }

            clock.Restart();
            await using var second = await ClusterMount.StartAsync(fixture.Cluster, readQuorum: 2, writeQuorum: 2, directory: directory);
            Assert.Equal((long)Blocks * Block, new FileInfo(second.PathOf("big.bin")).Length);
            byte[] read;
            await using (var stream = new FileStream(second.PathOf("big.bin"), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
            {
                read = await SHA256.HashDataAsync(stream, TestContext.Current.CancellationToken);
            }

            output.WriteLine($"read 256 MiB in {clock.Elapsed.TotalSeconds:0.0} s ({second.FileSystem.Counters.Reads} FUSE reads, largest {second.FileSystem.Counters.LargestRead} bytes)");
            Assert.Equal(Convert.ToHexString(written), Convert.ToHexString(read));

            // sha256sum agrees, and the cluster holds all 256 chunks, each on every replica.
            var tool = await Shell.RunCheckedAsync($"sha256sum '{second.PathOf("big.bin")}' | cut -c1-64", timeout: TimeSpan.FromSeconds(120));
            Assert.Equal(Convert.ToHexStringLower(written) + "\n", tool);
            var stored = await second.Client.ResolveAsync("/big.bin", TestContext.Current.CancellationToken);
            var chunks = (await fixture.Cluster.MetaApi.GetChunksAsync(stored.Ino, count: Blocks, cancellationToken: TestContext.Current.CancellationToken)).Chunks;
            Assert.Equal(Blocks, chunks.Count);
            Assert.All(chunks, chunk => Assert.Equal(3, chunk.Replicas.Count));
            File.Delete(second.PathOf("big.bin"));
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }
}
