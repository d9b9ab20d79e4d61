using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Api.Data;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The chunk store in-process on a real temporary directory: the index and the disk agree under concurrent changes.</summary>
public sealed class ChunkStoreConcurrencyTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "replicafs-tests", $"store-{Guid.NewGuid():N}");

    [Fact]
    public async Task Concurrent_puts_of_different_versions_of_one_key_all_land()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var store = OpenStore())
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(1, 48).Select(v => Task.Run(() => PutAsync(store, "hot", v, Bytes(1000 + v, v), ct), ct)));
            Assert.All(outcomes, o => Assert.Equal(PutStatus.Created, o.Status));
            Assert.Equal(Enumerable.Range(1, 48).Select(v => (long)v), store.Versions("hot"));
        }

        AssertDiskMatchesIndex(expectedCount: 48);
    }

    [Fact]
    public async Task Concurrent_puts_of_one_version_store_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Bytes(3 * ChunkChecksum.BlockSize, 9);
        using (var store = OpenStore())
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => PutAsync(store, "same", 1, data, ct), ct)));
            Assert.Equal(1, outcomes.Count(o => o.Status == PutStatus.Created));
            Assert.Equal(15, outcomes.Count(o => o.Status == PutStatus.AlreadyStored));
        }

        AssertDiskMatchesIndex(expectedCount: 1);
    }

    [Fact]
    public async Task Concurrent_puts_of_one_version_with_different_bytes_keep_exactly_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var bodies = Enumerable.Range(0, 12).Select(i => Bytes(5000, 100 + i)).ToArray();
        using (var store = OpenStore())
        {
            var outcomes = await Task.WhenAll(bodies.Select(b => Task.Run(() => PutAsync(store, "contested", 7, b, ct), ct)));
            var winner = Assert.Single(outcomes, o => o.Status == PutStatus.Created);
            Assert.Equal(11, outcomes.Count(o => o.Status == PutStatus.Conflict && o.Stored == winner.Stored));
            using var file = store.OpenRead("contested", 7)!;
            var payload = new byte[file.Header.Length];
            ChunkFile.ReadFully(file.Handle, payload, file.Header.PayloadOffset);
            Assert.Contains(bodies, b => b.AsSpan().SequenceEqual(payload));
            Assert.Equal(winner.Stored.Checksum, ChunkChecksum.Compute(payload));
        }

        AssertDiskMatchesIndex(expectedCount: 1);
    }

    [Fact]
    public async Task Puts_racing_deletes_leave_the_disk_and_the_index_in_agreement()
    {
        var ct = TestContext.Current.CancellationToken;
        using (var store = OpenStore())
        {
            var tasks = new List<Task>();
            for (var worker = 0; worker < 6; worker++)
            {
                var seed = worker;
                tasks.Add(Task.Run(
                    async () =>
                    {
                        var random = new Random(seed);
                        for (var i = 0; i < 60; i++)
                        {
                            var key = $"race{random.Next(4)}";
                            switch (random.Next(4))
                            {
                                case 0:
                                    await store.DeleteAsync(key, null, null, ct);
                                    break;
                                case 1:
                                    await store.DeleteAsync(key, null, random.Next(1, 20), ct);
                                    break;
                                default:
                                    var version = random.Next(1, 20);
                                    await PutAsync(store, key, version, Bytes(200 + version, version), ct);
                                    break;
                            }
                        }
                    },
                    ct));
            }

            await Task.WhenAll(tasks);
            var (page, _) = store.List(null, null, 10_000);
            Assert.Equal(page.Count, store.Stats().ChunkCount);
            Assert.Equal(page.Sum(c => c.Length), store.Stats().BytesStored);
            Assert.Equal(page.Select(c => ChunkPaths.FileName(c.Key, c.Version)).Order(StringComparer.Ordinal), ChunkFileNames());
        }

        AssertDiskMatchesIndex(expectedCount: null);
    }

    [Fact]
    public async Task A_replace_swaps_the_copy_atomically_for_concurrent_readers()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Bytes(4 * ChunkChecksum.BlockSize, 5);
        var checksum = ChunkChecksum.Compute(data);
        using var store = OpenStore();
        await PutAsync(store, "swap", 1, data, ct);
        await store.CorruptAsync("swap", 1, 10, 5, ct);

        // Readers running during repeated replaces always see a whole file: the old or the new one, never a mix.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(
            async () =>
            {
                var reads = 0;
                while (!stop.IsCancellationRequested || reads == 0)
                {
                    var digest = await store.DigestAsync("swap", 1, ct);
                    Assert.NotNull(digest);
                    Assert.Equal(data.Length, digest.Length);
                    reads++;
                }

                return reads;
            },
            ct);
        for (var i = 0; i < 20; i++)
        {
            var (_, replaced) = await store.ReplaceAsync("swap", 1, checksum, new MemoryStream(data), data.Length, ct);
            Assert.True(replaced);
        }

        await stop.CancelAsync();
        Assert.True(await reader > 0);
        Assert.True((await store.DigestAsync("swap", 1, ct))!.Intact);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dataDir, "tmp")));
    }

    [Fact]
    public async Task A_replace_with_bytes_that_do_not_match_keeps_the_old_copy()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Bytes(1000, 5);
        using var store = OpenStore();
        await PutAsync(store, "keep", 1, data, ct);

        var error = await Assert.ThrowsAsync<ReplicaFs.Contracts.Posix.PosixException>(
            () => store.ReplaceAsync("keep", 1, ChunkChecksum.Compute(data), new MemoryStream(Bytes(1000, 6)), 1000, ct));

        Assert.Equal(ReplicaFs.Contracts.Posix.Errno.EIO, error.Errno);
        Assert.True((await store.DigestAsync("keep", 1, ct))!.Intact);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dataDir, "tmp")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private ChunkStore OpenStore()
    {
        var options = new DataServerOptions { DataDir = new DirectoryInfo(_dataDir), MetaUrl = new Uri("http://127.0.0.1:1") };
        var store = new ChunkStore(options, TimeProvider.System, NullLogger<ChunkStore>.Instance);
        store.Open();
        return store;
    }

    private static Task<PutOutcome> PutAsync(ChunkStore store, string key, long version, byte[] data, CancellationToken ct) =>
        store.PutAsync(key, version, ChunkChecksum.Compute(data), new MemoryStream(data), data.Length, ct);

    private string[] ChunkFileNames() =>
        [.. Directory.EnumerateFiles(Path.Combine(_dataDir, "chunks"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>Reopens the directory: every file passes the start-up check and the rebuilt index lists exactly the files.</summary>
    private void AssertDiskMatchesIndex(int? expectedCount)
    {
        using var reopened = OpenStore();
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dataDir, "quarantine")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_dataDir, "tmp")));
        var (page, _) = reopened.List(null, null, 10_000);
        Assert.Equal(page.Select(c => ChunkPaths.FileName(c.Key, c.Version)).Order(StringComparer.Ordinal), ChunkFileNames());
        if (expectedCount is { } count)
        {
            Assert.Equal(count, page.Count);
        }

        foreach (var chunk in page)
        {
            Assert.True(reopened.DigestAsync(chunk.Key, chunk.Version, CancellationToken.None).GetAwaiter().GetResult()!.Intact);
        }
    }
}
