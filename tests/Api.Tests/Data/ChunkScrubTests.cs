using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Data.Scrub;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Contracts.Chunks;
using static ReplicaFs.Api.Tests.Data.ChunkTestData;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>A scrub pass over a real chunk store on disk.</summary>
public sealed class ChunkScrubTests
{
    [Fact]
    public async Task A_pass_finds_exactly_the_versions_whose_bytes_or_block_table_changed_on_disk()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        var chunks = new (string Key, long Version, byte[] Data)[]
        {
            (ChunkKey.FromId(1), 1, Bytes(100, 1)),
            (ChunkKey.FromId(1), 2, Bytes(3 * ChunkChecksum.BlockSize + 7, 2)),
            (ChunkKey.FromId(2), 5, Bytes(ChunkChecksum.BlockSize, 3)),
            (ChunkKey.FromId(3), 1, []),
            ("not-a-chunk-id", 1, Bytes(5000, 4)),
            (ChunkKey.FromId(4), 9, Bytes(2 * ChunkChecksum.BlockSize, 5)),
        };
        foreach (var (key, version, data) in chunks)
        {
            await local.PutAsync(key, version, data, ct);
        }

        // One flipped byte in the payload of 0..1 v2 (block 2), and a damaged block hash table of 0..4 v9.
        await local.Store.CorruptAsync(ChunkKey.FromId(1), 2, 2 * ChunkChecksum.BlockSize + 3, 1, ct);
        var damaged = local.Store.Paths.ChunkFile(ChunkKey.FromId(4), 9);
        await using (var file = new FileStream(damaged, FileMode.Open, FileAccess.Write))
        {
            file.Position = ChunkFileHeader.Size + 3;
            file.WriteByte(0x5a);
        }

        var results = new List<ScrubResult>();
        await foreach (var result in ChunkScrub.VerifyAllAsync(local.Store, throttle: null, ct))
        {
            results.Add(result);
        }

        Assert.Equal(
            chunks.Select(c => (c.Key, c.Version)).Order(),
            results.Select(r => (r.Key, r.Version)).Order());
        var corrupt = results.Where(r => r.Outcome == ScrubOutcome.Corrupt).ToList();
        Assert.Equal([(ChunkKey.FromId(1), 2L), (ChunkKey.FromId(4), 9L)], corrupt.Select(r => (r.Key, r.Version)).Order());
        Assert.Contains("not to the recorded", corrupt.Single(r => r.Version == 2).Problem, StringComparison.Ordinal);
        Assert.Contains("damaged", corrupt.Single(r => r.Version == 9).Problem, StringComparison.Ordinal);
        Assert.All(results.Where(r => r.Outcome != ScrubOutcome.Corrupt), r => Assert.Equal(ScrubOutcome.Intact, r.Outcome));
        Assert.Equal(3 * ChunkChecksum.BlockSize + 7, corrupt.Single(r => r.Version == 2).Length);
    }

    [Fact]
    public async Task A_pass_pages_through_more_versions_than_one_index_page()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        var count = ChunkScrub.PageSize + 37;
        for (var i = 1; i <= count; i++)
        {
            await local.PutAsync(ChunkKey.FromId(i), 1, Bytes(16, i), ct);
        }

        await local.Store.CorruptAsync(ChunkKey.FromId(count), 1, 0, 1, ct);

        var results = new List<ScrubResult>();
        await foreach (var result in ChunkScrub.VerifyAllAsync(local.Store, throttle: null, ct))
        {
            results.Add(result);
        }

        Assert.Equal(count, results.Select(r => r.Key).Distinct().Count());
        Assert.Equal(ChunkKey.FromId(count), Assert.Single(results, r => r.Outcome == ScrubOutcome.Corrupt).Key);
    }

    [Fact]
    public async Task A_version_deleted_during_the_pass_is_reported_vanished_not_corrupt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        await local.PutAsync("gone", 1, Bytes(10, 1), ct);
        local.Store.TryGet("gone", 1, out var stored);
        await local.Store.DeleteAsync("gone", 1, null, ct);

        var result = await ChunkScrub.VerifyAsync(local.Store, "gone", stored, throttle: null, ct);

        Assert.Equal(ScrubOutcome.Vanished, result.Outcome);
    }

    [Fact]
    public async Task A_pass_takes_every_byte_it_reads_from_the_throttle()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = new LocalStore();
        await local.PutAsync(ChunkKey.FromId(7), 1, Bytes(4 * ChunkChecksum.BlockSize, 7), ct);
        var clock = new FakeTimeProvider();

        // One block per second, one block of burst: four blocks need three seconds.
        var throttle = new TokenBucket(ChunkChecksum.BlockSize, clock, capacity: ChunkChecksum.BlockSize);
        local.Store.TryGet(ChunkKey.FromId(7), 1, out var stored);
        var scrub = ChunkScrub.VerifyAsync(local.Store, ChunkKey.FromId(7), stored, throttle, ct);
        for (var second = 0; second < 2; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, ct);
            Assert.False(scrub.IsCompleted, $"the scrub finished after {second + 1} s of throttled time");
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        var result = await scrub.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(ScrubOutcome.Intact, result.Outcome);
    }
}
