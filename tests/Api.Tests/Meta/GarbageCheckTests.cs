using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Garbage checks against a real metadata server: every rule, each with what must be kept.</summary>
public sealed class GarbageCheckTests(HealingClusterFixture fixture) : IClassFixture<HealingClusterFixture>
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static DateTimeOffset LongAgo => DateTimeOffset.UtcNow.AddHours(-1);

    [Fact]
    public async Task Chunks_of_deleted_files_and_truncated_chunks_are_deleted_at_every_version()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 600, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "doomed");
        var (first, _) = await _api.WriteChunkAsync(file.Ino, 0, ChunkSize, ChunkSize);
        var (second, _) = await _api.WriteChunkAsync(file.Ino, 1, 10, ChunkSize);
        var server = first.Replicas[0].ServerId;
        Assert.Contains(server, second.Replicas.Select(r => r.ServerId));

        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 100), Token);
        var truncated = await CheckAsync(server, Offer(second.ChunkId, second.Version, Now), Offer(second.ChunkId, second.Version - 1, Now), Offer(first.ChunkId, first.Version, Now));
        Assert.Equal([(ChunkKey.FromId(second.ChunkId), second.Version - 1), (ChunkKey.FromId(second.ChunkId), second.Version)], truncated);
        using (var db = MetaDatabaseFile.Open(fixture.Cluster))
        {
            Assert.Empty(db.Longs("SELECT id FROM garbage WHERE chunk_id = $c AND server_id = $s", ("$c", second.ChunkId), ("$s", server)));
            Assert.NotEmpty(db.Longs("SELECT id FROM garbage WHERE chunk_id = $c AND server_id <> $s", ("$c", second.ChunkId), ("$s", server)));
        }

        await _api.UnlinkAsync(dir.Ino, "doomed", cancellationToken: Token);
        Assert.Equal([(ChunkKey.FromId(first.ChunkId), first.Version)], await CheckAsync(server, Offer(first.ChunkId, first.Version, Now)));
    }

    [Fact]
    public async Task A_superseded_version_is_kept_while_the_replica_is_stale_and_deleted_once_it_is_ok()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 610, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (v1, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, ChunkSize);
        var v2 = await _api.LeaseAsync(file.Ino, 0);
        var stale = v2.Replicas[0].ServerId;
        var ok = v2.Replicas[1].ServerId;
        await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(v2, 200, acknowledged: [ok, v2.Replicas[2].ServerId])], 200), Token);

        // The stale server keeps its old version (never served) until it caught up; the up-to-date one drops it.
        Assert.Empty(await CheckAsync(stale, Offer(v1.ChunkId, v1.Version, LongAgo)));
        Assert.Equal([(ChunkKey.FromId(v1.ChunkId), v1.Version)], await CheckAsync(ok, Offer(v1.ChunkId, v1.Version, LongAgo), Offer(v1.ChunkId, v2.Version, LongAgo)));

        await _api.ReportReplicaAsync(v2.ChunkId, new ReplicaReport(stale, ReplicaState.Ok, v2.Version, "caught up", "test"), Token);
        Assert.Equal([(ChunkKey.FromId(v1.ChunkId), v1.Version)], await CheckAsync(stale, Offer(v1.ChunkId, v1.Version, Now), Offer(v1.ChunkId, v2.Version, Now)));
    }

    [Fact]
    public async Task An_uncommitted_newer_version_is_kept_within_the_grace_period_and_deleted_after_it()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 620, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (committed, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, ChunkSize);
        var failedWrite = await _api.LeaseAsync(file.Ino, 0);
        var server = failedWrite.Replicas[0].ServerId;
        var neverLeased = failedWrite.Version + 1_000_000;

        Assert.Empty(await CheckAsync(server, Offer(failedWrite.ChunkId, failedWrite.Version, Now)));
        // Stored "long ago" by the data server's clock, but leased just now by meta's: still kept.
        Assert.Empty(await CheckAsync(server, Offer(failedWrite.ChunkId, failedWrite.Version, LongAgo)));
        Assert.Empty(await CheckAsync(server, Offer(failedWrite.ChunkId, neverLeased, Now)));
        Assert.Equal([(ChunkKey.FromId(failedWrite.ChunkId), neverLeased)], await CheckAsync(server, Offer(failedWrite.ChunkId, neverLeased, LongAgo)));

        await Task.Delay(HealingClusterFixture.GarbageGrace + TimeSpan.FromMilliseconds(500), Token);

        Assert.Empty(await CheckAsync(server, Offer(failedWrite.ChunkId, failedWrite.Version, Now)));
        var deleted = await _api.CheckGarbageAsync(server, new GarbageCheckRequest([new GarbageCandidate(ChunkKey.FromId(failedWrite.ChunkId), failedWrite.Version, Now.AddSeconds(-3))]), Token);
        var only = Assert.Single(deleted.Delete);
        Assert.Equal((ChunkKey.FromId(failedWrite.ChunkId), failedWrite.Version, 0L, string.Empty), (only.Key, only.Version, only.Length, only.Checksum));
        Assert.Equal(committed.Version, (await _api.GetChunkAsync(committed.ChunkId, Token)).Version);
    }

    [Fact]
    public async Task The_committed_version_of_a_replica_in_the_set_is_never_deleted()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 630, 3);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, ChunkSize);

        foreach (var state in new[] { ReplicaState.Ok, ReplicaState.Corrupt, ReplicaState.Stale, ReplicaState.Rebuilding })
        {
            var server = lease.Replicas[0].ServerId;
            if (state != ReplicaState.Ok)
            {
                await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, state, lease.Version, "test", "test"), Token);
            }

            Assert.Empty(await CheckAsync(server, Offer(lease.ChunkId, lease.Version, DateTimeOffset.UnixEpoch)));
        }
    }

    [Fact]
    public async Task A_server_outside_the_replica_set_deletes_every_version_and_foreign_keys_wait_for_the_grace_period()
    {
        await using var fleet = await FakeServerFleet.StartAsync(fixture.Cluster, 640, 4);
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, ChunkSize);
        var outsider = fleet.Ids.Except(lease.Replicas.Select(r => r.ServerId)).Single();

        var deleted = await _api.CheckGarbageAsync(outsider, new GarbageCheckRequest([new GarbageCandidate(ChunkKey.FromId(lease.ChunkId), lease.Version, Now)]), Token);
        var committed = Assert.Single(deleted.Delete);
        Assert.Equal((lease.Version, 100L, ChunkTestExtensions.ChecksumOf(lease.ChunkId, lease.Version)), (committed.Version, committed.Length, committed.Checksum));

        // Keys meta never hands out are not ours: deleted only once they are older than the grace period.
        Assert.Empty(await CheckAsync(outsider, new GarbageCandidate("hello-world", 1, Now)));
        Assert.Equal([("hello-world", 1L)], await CheckAsync(outsider, new GarbageCandidate("hello-world", 1, LongAgo)));
        // A chunk id above any meta handed out is kept whatever its age.
        Assert.Empty(await CheckAsync(outsider, new GarbageCandidate(ChunkKey.FromId(lease.ChunkId + 1_000_000), 1, DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public async Task Bad_checks_are_refused()
    {
        var registered = await _api.RegisterAsync(FakeDataServers.Request(650), Token);
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.CheckGarbageAsync(int.MaxValue, new GarbageCheckRequest([]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CheckGarbageAsync(registered.ServerId, new GarbageCheckRequest(null!), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CheckGarbageAsync(registered.ServerId, new GarbageCheckRequest([new GarbageCandidate("../x", 1, Now)]), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CheckGarbageAsync(registered.ServerId, new GarbageCheckRequest([new GarbageCandidate("abc", 0, Now)]), Token));
        var tooMany = Enumerable.Range(1, 10_001).Select(i => new GarbageCandidate(ChunkKey.FromId(i), 1, Now)).ToList();
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CheckGarbageAsync(registered.ServerId, new GarbageCheckRequest(tooMany), Token));
        var offered = tooMany[..10_000].Select(c => c.Key).ToHashSet();
        Assert.All((await _api.CheckGarbageAsync(registered.ServerId, new GarbageCheckRequest(tooMany[..10_000]), Token)).Delete, d => Assert.Contains(d.Key, offered));
    }

    private static GarbageCandidate Offer(long chunkId, long version, DateTimeOffset storedAt) => new(ChunkKey.FromId(chunkId), version, storedAt);

    private async Task<List<(string Key, long Version)>> CheckAsync(int serverId, params GarbageCandidate[] candidates) =>
        [.. (await _api.CheckGarbageAsync(serverId, new GarbageCheckRequest(candidates), Token)).Delete.Select(d => (d.Key, d.Version)).Order()];
}
