using System.Security.Cryptography;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Fuse.Tests.Support;
using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// Faults while mounted, each test on a cluster of its own (3 data servers, R 3, 1 MiB chunks): a corrupted replica,
/// data servers killed one and two at a time, writes that cannot reach Qw. Files meant to be read after a fault are
/// written through the client library, not the mount, so that the kernel has none of their pages cached and every
/// read really goes to the replicas.
/// </summary>
[Collection(FaultClusterTests.Name)]
public sealed class FaultTests
{
    private const int Chunk = 1024 * 1024;

    [Fact(Timeout = 120_000)]
    public async Task A_corrupted_replica_is_outvoted_by_cat_and_repaired()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ReplicaClusterFixture.Shape, ct);

        // Every replica is asked for its digest; the read returns once Qr agree, and a disagreeing answer (even one that
        // comes after the read returned) goes to read repair.
        await using var mount = await ClusterMount.StartAsync(cluster, readQuorum: 2, writeQuorum: 2);
        var data = FileSystemBehaviourTests.Pattern(300_000, 7);
        var stored = await WriteThroughClientAsync(mount, "/victim.bin", data);
        var chunk = (await cluster.MetaApi.GetChunksAsync(stored, cancellationToken: ct)).Chunks.Single();
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetChunkAsync(chunk.ChunkId, ct)).Replicas.All(r => r.State == ReplicaState.Ok),
            TimeSpan.FromSeconds(15),
            "every replica to be ok",
            ct);
        var key = ChunkKey.FromId(chunk.ChunkId);
        var victim = await cluster.IndexOfServerAsync(chunk.Replicas[0].ServerId, ct);
        await cluster.CorruptAsync(victim, key, chunk.Version, ct);
        Assert.False((await cluster.DataApi(victim).GetDigestAsync(key, chunk.Version, ct)).Intact);

        var hash = await Shell.RunCheckedAsync($"set -o pipefail; cat {mount.PathOf("victim.bin")} | sha256sum | cut -c1-64");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)) + "\n", hash);
        await Eventually.TrueAsync(() => mount.Client.Repairs.Completed >= 1, "the mount's read repair to finish", TimeSpan.FromSeconds(30));
        var digest = await cluster.DataApi(victim).GetDigestAsync(key, chunk.Version, ct);
        Assert.True(digest.Intact, $"the replica was not repaired:\n{mount.Log()}");
        Assert.Equal(chunk.Checksum, digest.Checksum);

        // A second read, through a new descriptor, is served from the repaired replicas as well.
        Assert.Equal(data, await File.ReadAllBytesAsync(mount.PathOf("victim.bin"), ct));
    }

    [Fact(Timeout = 180_000)]
    public async Task Killed_data_servers_degrade_then_fail_with_EIO_and_the_mount_recovers_when_they_return()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ReplicaClusterFixture.Shape, ct);

        // Qr 2, Qw 2 of 3; at most 2 MiB dirty and 2 MiB flushing per open file, so that a long write has to wait for
        // its flushes while it runs (and learns of a failed one in its next write).
        await using var mount = await ClusterMount.StartAsync(
            cluster,
            readQuorum: 2,
            writeQuorum: 2,
            configure: options => options with { MaxDirtyBytesPerFile = 2 * Chunk, MaxFlushingBytesPerFile = 2 * Chunk });
        var before = FileSystemBehaviourTests.Pattern(3 * Chunk, 8);
        await WriteThroughClientAsync(mount, "/before-1.bin", before);
        await WriteThroughClientAsync(mount, "/before-2.bin", before);
        await WriteThroughClientAsync(mount, "/before-3.bin", before);

        // One of three down: the quorums still hold, reads and writes go on.
        await cluster.KillDataServerAsync(0);
        Assert.Equal(SHA256.HashData(before), SHA256.HashData(await File.ReadAllBytesAsync(mount.PathOf("before-1.bin"), ct)));
        var during = FileSystemBehaviourTests.Pattern(2 * Chunk + 77, 9);
        await File.WriteAllBytesAsync(mount.PathOf("during.bin"), during, ct);
        Assert.Equal(during.Length, (await mount.Client.ResolveAsync("/during.bin", ct)).Size);

        // Two of three down: reads and writes fail with EIO (nothing is silently dropped).
        await cluster.KillDataServerAsync(1);
        var read = await Shell.RunAsync($"cat {mount.PathOf("before-2.bin")} > /dev/null");
        Assert.Equal(1, read.ExitCode);
        Assert.Contains("Input/output error", read.Error, StringComparison.Ordinal);

        // A small write is buffered, so write() succeeds; the fsync that commits it, and the close, report EIO.
        var fsync = await WriteFsyncCloseAsync(mount, "fsync.bin");
        Assert.Equal("write ok\nfsync Input/output error\nclose Input/output error\n", fsync);

        // Without an fsync, the close is where the application learns it (dd checks its close).
        var close = await Shell.RunAsync($"printf 'lost?' | dd of={mount.PathOf("close.txt")} status=none");
        Assert.NotEqual(0, close.ExitCode);
        Assert.Contains("Input/output error", close.Error, StringComparison.Ordinal);

        // A long write fails in write() itself, once a flush it had to start has failed.
        var longWrite = await Shell.RunAsync($"head -c 16M /dev/zero > {mount.PathOf("long.bin")}", timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, longWrite.ExitCode);
        Assert.Contains("head: error writing", longWrite.Error, StringComparison.Ordinal);
        Assert.Contains("Input/output error", longWrite.Error, StringComparison.Ordinal);

        // Back up: the same mount reads and writes again.
        await cluster.StartDataServerAsync(0, cancellationToken: ct);
        await cluster.StartDataServerAsync(1, cancellationToken: ct);
        Assert.Equal(SHA256.HashData(before), SHA256.HashData(await File.ReadAllBytesAsync(mount.PathOf("before-3.bin"), ct)));
        Assert.Equal(SHA256.HashData(during), SHA256.HashData(await File.ReadAllBytesAsync(mount.PathOf("during.bin"), ct)));
        await File.WriteAllTextAsync(mount.PathOf("after.txt"), "after", ct);
        Assert.Equal("after", await File.ReadAllTextAsync(mount.PathOf("after.txt"), ct));
        Assert.Equal("after".Length, (await mount.Client.ResolveAsync("/after.txt", ct)).Size);
    }

    [Fact(Timeout = 120_000)]
    public async Task Full_data_servers_refuse_the_commit_with_EIO_nothing_half_written_becomes_visible_and_space_heals_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ReplicaClusterFixture.Shape, ct);
        await using var mount = await ClusterMount.StartAsync(cluster, readQuorum: 2, writeQuorum: 2);

        // One of three full (it answers 507 ENOSPC): Qw 2 still holds, and the file is whole on the other two.
        await cluster.FaultsApi(0).SetDiskFullAsync(new DiskFullFault(true), ct);
        var one = FileSystemBehaviourTests.Pattern(Chunk + 5000, 10);
        await File.WriteAllBytesAsync(mount.PathOf("one-full.bin"), one, ct);
        Assert.Equal(one, await ReadThroughClientAsync(mount, "/one-full.bin"));

        // Two of three full: the buffered write() succeeds; the fsync that commits it, and the close, report EIO.
        await cluster.FaultsApi(1).SetDiskFullAsync(new DiskFullFault(true), ct);
        var fsync = await WriteFsyncCloseAsync(mount, "full.bin");
        Assert.Equal("write ok\nfsync Input/output error\nclose Input/output error\n", fsync);
        Assert.Equal(0, (await mount.Client.ResolveAsync("/full.bin", ct)).Size);
        Assert.Contains("failed: 507: The data directory is full", mount.Log(), StringComparison.Ordinal);

        // Room again: the same mount commits, and the file is whole.
        await cluster.FaultsApi(0).SetDiskFullAsync(new DiskFullFault(false), ct);
        await cluster.FaultsApi(1).SetDiskFullAsync(new DiskFullFault(false), ct);
        var after = FileSystemBehaviourTests.Pattern(3000, 11);
        await File.WriteAllBytesAsync(mount.PathOf("full.bin"), after, ct);
        Assert.Equal(after, await ReadThroughClientAsync(mount, "/full.bin"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_dead_metadata_server_is_EIO_not_a_hang_and_the_same_mount_works_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(ReplicaClusterFixture.Shape, ct);
        await using var mount = await ClusterMount.StartAsync(
            cluster,
            readQuorum: 2,
            writeQuorum: 2,
            configure: options => options with { MetaTimeout = TimeSpan.FromSeconds(2) });
        var before = FileSystemBehaviourTests.Pattern(5000, 12);
        await File.WriteAllBytesAsync(mount.PathOf("before.bin"), before, ct);

        await cluster.KillMetaAsync();
        foreach (var script in new[] { $"stat {mount.PathOf("never-seen")}", $"mkdir {mount.PathOf("lost")}", $"ls -l {mount.Root}" })
        {
            var failed = await Shell.RunAsync(script, timeout: TimeSpan.FromSeconds(30));
            Assert.NotEqual(0, failed.ExitCode);
            Assert.Contains("Input/output error", failed.Error, StringComparison.Ordinal);
        }

        await cluster.StartMetaAsync(cancellationToken: ct);
        Directory.CreateDirectory(mount.PathOf("after"));
        var after = FileSystemBehaviourTests.Pattern(7000, 13);
        await File.WriteAllBytesAsync(mount.PathOf("after", "after.bin"), after, ct);
        Assert.Equal(after, await ReadThroughClientAsync(mount, "/after/after.bin"));
        Assert.Equal(before, await ReadThroughClientAsync(mount, "/before.bin"));
    }

    /// <summary>
    /// Creates <paramref name="name"/> in the mount and writes 1000 bytes, fsyncs and closes it, one system call each;
    /// says how each ended ("write ok", "fsync Input/output error", …), one line each.
    /// </summary>
    private static Task<string> WriteFsyncCloseAsync(ClusterMount mount, string name) =>
        Shell.RunCheckedAsync(
            $$"""
            perl -e 'use IO::Handle; open(my $f, ">", $ARGV[0]) or die "open: $!";
              print defined(syswrite($f, "x" x 1000)) ? "write ok" : "write $!", "\n";
              print $f->sync ? "fsync ok" : "fsync $!", "\n";
              print close($f) ? "close ok" : "close $!", "\n"' {{name}}
            """,
            mount.Root);

    /// <summary>Reads a whole file through the mount's client library: quorum reads of the committed chunks, no kernel cache.</summary>
    private static async Task<byte[]> ReadThroughClientAsync(ClusterMount mount, string path)
    {
        var ct = TestContext.Current.CancellationToken;
        var file = await mount.Client.ResolveAsync(path, ct);
        var bytes = new byte[file.Size];
        Assert.Equal(bytes.Length, await mount.Client.ReadAsync(file.Ino, 0, bytes, ct));
        return bytes;
    }

    /// <summary>Creates and writes a file through the mount's client library (the kernel caches none of it); returns its inode.</summary>
    private static async Task<long> WriteThroughClientAsync(ClusterMount mount, string path, byte[] data)
    {
        var file = await mount.Client.CreateFileAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        await mount.Client.WriteAsync(file.Ino, 0, data, TestContext.Current.CancellationToken);
        return file.Ino;
    }
}

/// <summary>Tests that start clusters of their own to break them: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class FaultClusterTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "fault clusters";
}
