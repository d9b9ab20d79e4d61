using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Truncation drops and clamps chunks; deleting an inode queues its chunks for garbage collection.</summary>
[Collection(ChunkServerGroup.Name)]
public sealed class TruncateTests(ChunkClusterFixture fixture)
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shrinking_drops_whole_chunks_beyond_the_size_and_clamps_the_boundary_chunk()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var chunks = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            chunks.Add((await _api.WriteChunkAsync(file.Ino, i, ChunkSize, ChunkSize)).Lease.ChunkId);
        }

        var before = await _api.AttributesAsync(file.Ino);
        Assert.Equal(4 * ChunkSize, before.Size);

        var shrunk = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: ChunkSize + 100), Token);

        Assert.Equal(ChunkSize + 100, shrunk.Size);
        Assert.True(shrunk.Mtime.TotalNanoseconds > before.Mtime.TotalNanoseconds);
        var page = await _api.GetChunksAsync(file.Ino, cancellationToken: Token);
        Assert.Equal([0L, 1L], page.Chunks.Select(c => c.Index));
        Assert.Equal([(long)ChunkSize, 100L], page.Chunks.Select(c => c.Length));
        // The clamped chunk keeps its version and checksum: the stored bytes beyond the length are ignored.
        Assert.Equal(ChunkTestExtensions.ChecksumOf(chunks[1], page.Chunks[1].Version), page.Chunks[1].Checksum);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetChunkAsync(chunks[2], Token));
        Assert.Equal(6, GarbageOf(chunks[2], chunks[3]).Count(g => g.Reason == "truncated"));

        // Growing changes only the size: the range reads as zeros.
        var grown = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 10 * ChunkSize), Token);
        Assert.Equal(10 * ChunkSize, grown.Size);
        Assert.Equal(page.Chunks.Select(c => c.Describe()), (await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks.Select(c => c.Describe()));

        // Shrinking to a chunk boundary drops the chunk that starts there.
        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: ChunkSize), Token);
        var single = Assert.Single((await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks);
        Assert.Equal((0L, (long)ChunkSize), (single.Index, single.Length));

        // A write of a dropped index gets a new chunk: ids are never reused.
        var fresh = await _api.LeaseAsync(file.Ino, 2);
        Assert.DoesNotContain(fresh.ChunkId, chunks);
        Assert.Equal(0, fresh.BaseVersion);

        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 0), Token);
        Assert.Empty((await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks);
    }

    [Fact]
    public async Task A_commit_on_a_chunk_that_was_truncated_away_is_ESTALE()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await _api.WriteChunkAsync(file.Ino, 0, ChunkSize, ChunkSize);
        var lease = await _api.LeaseAsync(file.Ino, 1);

        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 10), Token);

        await ProblemAssert.ErrnoAsync(Errno.ESTALE, () => _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 5)], ChunkSize + 5), Token));
        Assert.Equal(10, (await _api.AttributesAsync(file.Ino)).Size);
        Assert.Equal(10, Assert.Single((await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks).Length);
    }

    [Fact]
    public async Task Deleting_a_file_queues_every_replica_of_every_chunk_for_garbage_collection()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var unlinked = await _api.NewFileAsync(dir.Ino, "unlinked");
        var replaced = await _api.NewFileAsync(dir.Ino, "replaced");
        var orphan = await _api.NewFileAsync(dir.Ino, "orphan");
        await _api.NewFileAsync(dir.Ino, "replacement");
        var a = (await _api.WriteChunkAsync(unlinked.Ino, 0, 10, ChunkSize)).Lease.ChunkId;
        var b = (await _api.WriteChunkAsync(unlinked.Ino, 3, 10, ChunkSize)).Lease.ChunkId;
        var c = (await _api.WriteChunkAsync(replaced.Ino, 0, 10, ChunkSize)).Lease.ChunkId;
        var d = (await _api.WriteChunkAsync(orphan.Ino, 0, 10, ChunkSize)).Lease.ChunkId;
        var loadBefore = (await _api.GetServersAsync(Token)).Sum(s => s.ReplicaCount);

        await _api.UnlinkAsync(dir.Ino, "unlinked", cancellationToken: Token);
        await _api.RenameAsync(new RenameRequest(dir.Ino, "replacement", dir.Ino, "replaced"), Token);
        await _api.UnlinkAsync(dir.Ino, "orphan", keepOrphan: true, cancellationToken: Token);

        Assert.Equal(6, GarbageOf(a, b).Count(g => g.Reason == "unlinked"));
        Assert.Equal(3, GarbageOf(c).Count(g => g.Reason == "unlinked"));
        Assert.Empty(GarbageOf(d));
        Assert.Equal(loadBefore - 9, (await _api.GetServersAsync(Token)).Sum(s => s.ReplicaCount));

        // The orphan keeps its chunks until it is reclaimed.
        Assert.NotNull(await _api.ChunkAtAsync(orphan.Ino, 0));
        await _api.ReclaimAsync(orphan.Ino, Token);
        Assert.Equal(3, GarbageOf(d).Count(g => g.Reason == "orphan reclaimed"));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.GetChunkAsync(d, Token));
    }

    /// <summary>Garbage list rows (chunk, server, reason) for the given chunks.</summary>
    private List<(long ChunkId, long ServerId, string Reason)> GarbageOf(params long[] chunkIds)
    {
        using var db = MetaDatabaseFile.Open(fixture.Cluster);
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT chunk_id, server_id, reason FROM garbage WHERE chunk_id IN ({string.Join(',', chunkIds)}) ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<(long, long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return rows;
    }
}
