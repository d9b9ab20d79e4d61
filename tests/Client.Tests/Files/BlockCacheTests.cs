using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Files;
using ReplicaFs.Client.Tests.Fakes;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Tests.Files;

/// <summary>The random-read block cache on its own: which bytes it keeps, serves and drops, and what it costs the budget.</summary>
public sealed class BlockCacheTests
{
    private const int Block = ChunkChecksum.BlockSize;
    private const int ChunkSize = 4 * Block;

    [Fact]
    public void Only_whole_blocks_are_kept_and_a_read_is_served_only_when_every_block_it_touches_is_held()
    {
        using var cache = new BlockCache(new BufferBudget(16L * ChunkSize), ChunkSize, capacity: 4);
        var chunk = Chunk(index: 0, version: 1, length: ChunkSize);
        var bytes = TestData.Bytes(ChunkSize, 1);

        // Blocks 1 and 2 whole, block 3 only in part.
        cache.Store(chunk, Block, bytes.AsSpan(Block, (2 * Block) + 100));

        var target = new byte[Block + 10];
        Assert.True(cache.TryCopy(chunk, Block + 5, (2 * Block) + 15, target));
        Assert.Equal(bytes.AsSpan(Block + 5, Block + 10).ToArray(), target);
        Assert.False(cache.TryCopy(chunk, Block - 1, Block + 1, new byte[2]));
        Assert.False(cache.TryCopy(chunk, (3 * Block) + 1, (3 * Block) + 2, new byte[1]));
    }

    [Fact]
    public void The_last_block_of_a_short_chunk_counts_as_whole_up_to_the_chunk_length()
    {
        using var cache = new BlockCache(new BufferBudget(16L * ChunkSize), ChunkSize, capacity: 4);
        var chunk = Chunk(index: 2, version: 3, length: Block + 700);
        var bytes = TestData.Bytes(Block + 700, 2);
        cache.Store(chunk, Block, bytes.AsSpan(Block, 700));

        var target = new byte[700];
        Assert.True(cache.TryCopy(chunk, Block, Block + 700, target));
        Assert.Equal(bytes.AsSpan(Block, 700).ToArray(), target);
    }

    [Fact]
    public void Another_version_id_or_length_of_the_chunk_is_never_served_the_old_bytes()
    {
        using var cache = new BlockCache(new BufferBudget(16L * ChunkSize), ChunkSize, capacity: 4);
        var chunk = Chunk(index: 0, version: 1, length: ChunkSize);
        cache.Store(chunk, 0, TestData.Bytes(ChunkSize, 3));

        Assert.False(cache.TryCopy(chunk with { Version = 2 }, 0, 10, new byte[10]));
        Assert.False(cache.TryCopy(chunk with { ChunkId = 99 }, 0, 10, new byte[10]));
        Assert.False(cache.TryCopy(chunk with { Length = ChunkSize - 1 }, 0, 10, new byte[10]));
        Assert.True(cache.TryCopy(chunk, 0, 10, new byte[10]));

        cache.Invalidate(0);
        Assert.False(cache.TryCopy(chunk, 0, 10, new byte[10]));
    }

    [Fact]
    public void It_holds_at_most_capacity_chunks_pays_for_them_from_the_budget_and_never_waits_for_it()
    {
        var budget = new BufferBudget(3L * ChunkSize);
        using var cache = new BlockCache(budget, ChunkSize, capacity: 2);
        for (var index = 0; index < 3; index++)
        {
            cache.Store(Chunk(index, 1, ChunkSize), 0, TestData.Bytes(Block, index));
        }

        // Chunk 0 was the least recently used: dropped for chunk 2.
        Assert.Equal(2, cache.Count);
        Assert.Equal(ChunkSize, budget.Available);
        Assert.False(cache.TryCopy(Chunk(0, 1, ChunkSize), 0, 1, new byte[1]));
        Assert.True(cache.TryCopy(Chunk(2, 1, ChunkSize), 0, 1, new byte[1]));

        cache.Clear();
        Assert.Equal(0, cache.Count);
        Assert.Equal(3L * ChunkSize, budget.Available);

        // The whole budget taken by someone else: nothing is cached, nothing waits.
        using var other = ChunkBuffer.TryRent(budget, 3 * ChunkSize);
        Assert.NotNull(other);
        cache.Store(Chunk(5, 1, ChunkSize), 0, TestData.Bytes(Block, 5));
        Assert.Equal(0, cache.Count);
    }

    private static ChunkInfo Chunk(long index, long version, long length) =>
        new(100 + index, index, version, length, "0000000000000000", []);
}
