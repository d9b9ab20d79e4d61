using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Write leases: chunk allocation, replica placement, versions that never repeat, and refusals.</summary>
[Collection(ChunkServerGroup.Name)]
public sealed class LeaseTests(ChunkClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_chunk_gets_an_id_base_version_0_and_the_three_least_loaded_servers()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var before = await _api.GetServersAsync(Token);
        var expected = before.OrderBy(s => s.ReplicaCount).ThenBy(s => s.Id).Take(3).Select(s => s.Id).Order().ToList();

        var lease = await _api.LeaseAsync(file.Ino, 5);

        Assert.True(lease.ChunkId > 0);
        Assert.Equal(5, lease.Index);
        Assert.True(lease.Version > 0);
        Assert.Equal(0, lease.BaseVersion);
        Assert.Equal(expected, lease.Replicas.Select(r => r.ServerId));
        Assert.All(lease.Replicas, r => Assert.Equal(before.Single(s => s.Id == r.ServerId).Url, r.Url));

        var page = await _api.GetChunksAsync(file.Ino, cancellationToken: Token);
        Assert.Equal((file.Ino, 0L, 64 * 1024), (page.Ino, page.Size, page.ChunkSize));
        var chunk = Assert.Single(page.Chunks);
        Assert.Equal((lease.ChunkId, 5L, 0L, 0L), (chunk.ChunkId, chunk.Index, chunk.Version, chunk.Length));
        Assert.All(chunk.Replicas, r => Assert.Equal((ReplicaState.Missing, 0L), (r.State, r.Version)));

        var after = await _api.GetServersAsync(Token);
        Assert.All(after, s => Assert.Equal(before.Single(b => b.Id == s.Id).ReplicaCount + (expected.Contains(s.Id) ? 1 : 0), s.ReplicaCount));
    }

    [Fact]
    public async Task A_batch_of_new_chunks_spreads_over_the_servers()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var load = (await _api.GetServersAsync(Token)).ToDictionary(s => s.Id, s => s.ReplicaCount);

        var leases = (await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([.. Enumerable.Range(0, 8).Select(i => (long)i)]), Token)).Leases;

        Assert.Equal(8, leases.Count);
        foreach (var lease in leases)
        {
            // Fewest assigned replicas first, ties by id; each choice counts towards the next.
            var expected = load.OrderBy(p => p.Value).ThenBy(p => p.Key).Take(3).Select(p => p.Key).Order().ToList();
            Assert.Equal(expected, lease.Replicas.Select(r => r.ServerId));
            expected.ForEach(id => load[id]++);
        }

        Assert.Equal(8, leases.Select(l => l.ChunkId).Distinct().Count());
        Assert.Equal(leases.Select(l => l.Version).Order(), leases.Select(l => l.Version));
    }

    [Fact]
    public async Task An_existing_chunk_gets_the_next_version_on_top_of_the_committed_one()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (first, _) = await _api.WriteChunkAsync(file.Ino, 0, 1000, 64 * 1024);

        var second = await _api.LeaseAsync(file.Ino, 0);

        Assert.Equal(first.ChunkId, second.ChunkId);
        Assert.True(second.Version > first.Version);
        Assert.Equal(first.Version, second.BaseVersion);
        Assert.Equal(first.Replicas, second.Replicas);
    }

    [Fact]
    public async Task Versions_are_never_handed_out_twice()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var versions = new List<long>();
        for (var round = 0; round < 10; round++)
        {
            var leases = await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([0, 1, 2]), Token);
            versions.AddRange(leases.Leases.Select(l => l.Version));
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([3]), Token)));
        versions.AddRange(parallel.SelectMany(p => p.Leases).Select(l => l.Version));

        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(versions.Take(30), versions.Take(30).Order());
    }

    [Fact]
    public async Task Lease_errors()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var link = await _api.CreateSymlinkAsync(dir.Ino, new CreateSymlinkRequest("l", "f", 0, 0), Token);
        var maxIndex = (1L << 50) / (64 * 1024);

        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([1, 2, 1]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([-1]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([.. Enumerable.Range(0, 1025).Select(i => (long)i)]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EFBIG, () => _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([maxIndex]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.AcquireLeasesAsync(dir.Ino, new LeaseRequest([0]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AcquireLeasesAsync(link.Ino, new LeaseRequest([0]), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.AcquireLeasesAsync(long.MaxValue, new LeaseRequest([0]), Token));
        Assert.Empty((await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks);

        // The last index below the maximum file size and 1024 indexes at once are fine.
        Assert.Equal(maxIndex - 1, (await _api.LeaseAsync(file.Ino, maxIndex - 1)).Index);
        Assert.Equal(1024, (await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([.. Enumerable.Range(0, 1024).Select(i => (long)i)]), Token)).Leases.Count);
    }

    [Fact]
    public async Task The_chunk_list_pages_by_index_and_refuses_non_files()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await _api.AcquireLeasesAsync(file.Ino, new LeaseRequest([0, 2, 4, 6, 8]), Token);

        Assert.Equal([2L, 4L], (await _api.GetChunksAsync(file.Ino, 1, 4, Token)).Chunks.Select(c => c.Index));
        Assert.Equal([8L], (await _api.GetChunksAsync(file.Ino, 7, 8192, Token)).Chunks.Select(c => c.Index));
        Assert.Equal(5, (await _api.GetChunksAsync(file.Ino, cancellationToken: Token)).Chunks.Count);
        Assert.Empty((await _api.GetChunksAsync(file.Ino, long.MaxValue - 1, 8192, Token)).Chunks);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetChunksAsync(file.Ino, 0, 8193, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetChunksAsync(file.Ino, 0, 0, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetChunksAsync(file.Ino, -1, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.GetChunksAsync(dir.Ino, cancellationToken: Token));
    }

    [Fact]
    public async Task Statfs_divides_the_live_servers_space_by_the_replica_count()
    {
        var stats = await _api.StatFsAsync(Token);
        var servers = (await _api.GetServersAsync(Token)).Where(s => s.State == Contracts.Cluster.ServerState.Up).ToList();
        Assert.Equal(4096, stats.BlockSize);
        Assert.Equal(servers.Sum(s => s.Stats.CapacityBytes) / 3 / 4096, stats.TotalBlocks);
        Assert.Equal(servers.Sum(s => s.Stats.FreeBytes) / 3 / 4096, stats.FreeBlocks);
        Assert.Equal(255, stats.MaxNameLength);
        Assert.True(stats.FreeInodes > 1_000_000);
        Assert.True(stats.TotalInodes > stats.FreeInodes);
    }
}
