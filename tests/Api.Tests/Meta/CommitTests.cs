using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Commits: atomic compare-and-swap, stale marking with events, size and time rules, refusals that change nothing.</summary>
[Collection(ChunkServerGroup.Name)]
public sealed class CommitTests(ChunkClusterFixture fixture)
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fully_acknowledged_commit_makes_the_version_visible_everywhere()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var lease = await _api.LeaseAsync(file.Ino, 1);

        var attributes = await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 5000)], ChunkSize + 5000), Token);

        Assert.Equal(ChunkSize + 5000, attributes.Size);
        Assert.True(attributes.Mtime.TotalNanoseconds > file.Mtime.TotalNanoseconds);
        Assert.Equal(attributes.Mtime, attributes.Ctime);
        Assert.Equal(attributes, await _api.AttributesAsync(file.Ino));
        var chunk = await _api.ChunkAtAsync(file.Ino, 1);
        Assert.NotNull(chunk);
        Assert.Equal((lease.Version, 5000L, ChunkTestExtensions.ChecksumOf(lease.ChunkId, lease.Version)), (chunk.Version, chunk.Length, chunk.Checksum));
        Assert.All(chunk.Replicas, r => Assert.Equal((ReplicaState.Ok, lease.Version), (r.State, r.Version)));
        Assert.Equal(chunk.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());
    }

    [Fact]
    public async Task Replicas_that_did_not_acknowledge_become_stale_with_an_event_saying_why()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "report.txt");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var ids = lease.Replicas.Select(r => r.ServerId).ToList();
        var lastEvent = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        await _api.CommitAsync(file.Ino, new CommitRequest(
            [ChunkTestExtensions.CommitOf(lease, 10, [ids[0]], [new ReplicaFailure(ids[1], "connection refused")])], 10), Token);

        var chunk = await _api.GetChunkAsync(lease.ChunkId, Token);
        Assert.Equal((ReplicaState.Ok, lease.Version), (chunk.Replicas[0].State, chunk.Replicas[0].Version));
        Assert.Equal((ReplicaState.Stale, 0L), (chunk.Replicas[1].State, chunk.Replicas[1].Version));
        Assert.Equal((ReplicaState.Stale, 0L), (chunk.Replicas[2].State, chunk.Replicas[2].Version));

        var events = (await _api.GetEventsAsync(lastEvent, kind: "replica.stale", cancellationToken: Token)).Events;
        Assert.Equal(2, events.Count);
        var key = ChunkKey.FromId(lease.ChunkId);
        Assert.All(events, e => Assert.Equal(($"{dir.Path}/report.txt", file.Ino, lease.ChunkId, EventSeverity.Warning), (e.Path, e.Ino, e.ChunkId, e.Severity)));
        Assert.Equal(
            $"Replica of {dir.Path}/report.txt chunk {key} (index 0) on data-{ids[1]} is stale (was Missing): it missed version {lease.Version}: connection refused.",
            events[0].Message);
        Assert.Equal(ids[1], events[0].ServerId);
        Assert.Contains($"on data-{ids[2]} is stale", events[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("it was not among the acknowledging replicas.", events[1].Message, StringComparison.Ordinal);

        // Missing the next write too changes nothing more about an already stale replica.
        var next = await _api.LeaseAsync(file.Ino, 0);
        await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(next, 20, [ids[0], ids[1]])], 20), Token);
        var later = (await _api.GetEventsAsync(lastEvent, kind: "replica.", cancellationToken: Token)).Events;
        Assert.Equal(2, later.Count);
        var updated = await _api.GetChunkAsync(lease.ChunkId, Token);
        Assert.Equal([ReplicaState.Ok, ReplicaState.Ok, ReplicaState.Stale], updated.Replicas.Select(r => r.State));
    }

    [Fact]
    public async Task A_commit_on_an_outdated_base_version_conflicts_and_changes_nothing()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (first, _) = await _api.WriteChunkAsync(file.Ino, 0, 100, ChunkSize);
        var other = await _api.LeaseAsync(file.Ino, 1);
        var writerA = await _api.LeaseAsync(file.Ino, 0);
        var writerB = await _api.LeaseAsync(file.Ino, 0);
        Assert.Equal((first.Version, first.Version), (writerA.BaseVersion, writerB.BaseVersion));
        var winner = await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(writerB, 200)], 200), Token);
        var chunkBefore = await _api.GetChunkAsync(first.ChunkId, Token);
        var otherBefore = await _api.GetChunkAsync(other.ChunkId, Token);
        var eventsBefore = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        // Writer A commits chunk 1 (valid) and chunk 0 (based on a version that is no longer committed) together.
        var problem = await ProblemAssert.ErrnoAsync(Errno.ESTALE, () => _api.CommitAsync(file.Ino, new CommitRequest(
            [ChunkTestExtensions.CommitOf(other, 300, [other.Replicas[0].ServerId], [new ReplicaFailure(other.Replicas[1].ServerId, "x")]),
             ChunkTestExtensions.CommitOf(writerA, 999)], ChunkSize + 300), Token));

        Assert.Contains(ChunkKey.FromId(first.ChunkId), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(chunkBefore.Describe(), (await _api.GetChunkAsync(first.ChunkId, Token)).Describe());
        Assert.Equal(otherBefore.Describe(), (await _api.GetChunkAsync(other.ChunkId, Token)).Describe());
        Assert.Equal(winner, await _api.AttributesAsync(file.Ino));
        Assert.Equal(eventsBefore, (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId);

        // The valid half still commits on its own.
        var attributes = await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(other, 300)], ChunkSize + 300), Token);
        Assert.Equal(ChunkSize + 300, attributes.Size);
    }

    [Fact]
    public async Task Retrying_an_applied_commit_succeeds_without_changing_anything()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var request = new CommitRequest([ChunkTestExtensions.CommitOf(lease, 77)], 77);
        await _api.CommitAsync(file.Ino, request, Token);
        var chunk = await _api.GetChunkAsync(lease.ChunkId, Token);

        var again = await _api.CommitAsync(file.Ino, request with { TouchMtime = false }, Token);

        Assert.Equal(77, again.Size);
        Assert.Equal(chunk.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());
    }

    [Fact]
    public async Task Size_and_times_follow_minSize_and_touchMtime()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 3 * ChunkSize, Mtime: new Timestamp(100, 5)), Token);
        var lease = await _api.LeaseAsync(file.Ino, 0);

        var attributes = await _api.CommitAsync(file.Ino, new CommitRequest([ChunkTestExtensions.CommitOf(lease, 10)], 10, TouchMtime: false), Token);

        Assert.Equal(3 * ChunkSize, attributes.Size);
        Assert.Equal(new Timestamp(100, 5), attributes.Mtime);

        // A commit without chunks touches the times; it cannot extend the file beyond its committed data.
        var touched = await _api.CommitAsync(file.Ino, new CommitRequest([], 10), Token);
        Assert.Equal(3 * ChunkSize, touched.Size);
        Assert.True(touched.Mtime.TotalNanoseconds > attributes.Mtime.TotalNanoseconds);
        var truncated = await _api.SetAttributesAsync(file.Ino, new SetAttributesRequest(Size: 5), Token);
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.CommitAsync(file.Ino, new CommitRequest([], 6), Token));
        Assert.Equal(5, (await _api.CommitAsync(file.Ino, new CommitRequest([], 5), Token)).Size);
        Assert.Equal(5, truncated.Size);
    }

    [Fact]
    public async Task Invalid_commits_are_refused_and_change_nothing()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var otherFile = await _api.NewFileAsync(dir.Ino, "g");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var foreign = await _api.LeaseAsync(otherFile.Ino, 0);
        var ids = lease.Replicas.Select(r => r.ServerId).ToList();
        var outsider = fixture.ServerIds.Except(ids).First();
        var good = ChunkTestExtensions.CommitOf(lease, 100);
        var chunkBefore = await _api.GetChunkAsync(lease.ChunkId, Token);
        var fileBefore = await _api.AttributesAsync(file.Ino);

        async Task RefusedAsync(Errno errno, CommitRequest request) =>
            await ProblemAssert.ErrnoAsync(errno, () => _api.CommitAsync(file.Ino, request, Token));

        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Checksum = "ABCDEF0123456789" }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Checksum = "abc" }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Length = ChunkSize + 1 }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Length = -1 }], 0));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Acknowledged = [] }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Acknowledged = [ids[0], ids[0]] }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Acknowledged = [outsider] }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Failed = [new ReplicaFailure(ids[0], "both")] }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Failed = [new ReplicaFailure(outsider, "not in the set")] }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good, good], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good with { Version = lease.Version + 1_000_000 }], 100));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good], -1));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good], 101));
        await RefusedAsync(Errno.EINVAL, new CommitRequest([good], ChunkSize + 1));
        await RefusedAsync(Errno.ESTALE, new CommitRequest([ChunkTestExtensions.CommitOf(foreign, 1)], 1));
        await RefusedAsync(Errno.ESTALE, new CommitRequest([good with { BaseVersion = 5 }], 100));
        await ProblemAssert.ErrnoAsync(Errno.EISDIR, () => _api.CommitAsync(dir.Ino, new CommitRequest([good], 100), Token));

        Assert.Equal(chunkBefore.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());
        Assert.Equal(fileBefore, await _api.AttributesAsync(file.Ino));
        // The lease is still good after all those refusals.
        Assert.Equal(100, (await _api.CommitAsync(file.Ino, new CommitRequest([good], 100), Token)).Size);
    }
}
