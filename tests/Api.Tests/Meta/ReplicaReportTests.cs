using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Replica reports (corrupt, stale, missing, rebuilding, repaired) and quorum write failures.</summary>
[Collection(ChunkServerGroup.Name)]
public sealed class ReplicaReportTests(ChunkClusterFixture fixture)
{
    private const int ChunkSize = 64 * 1024;
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_state_change_is_recorded_with_file_chunk_server_reason_and_reporter()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "data.bin");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 2, 4096, ChunkSize);
        var server = lease.Replicas[1].ServerId;
        var key = ChunkKey.FromId(lease.ChunkId);
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;

        var corrupt = await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Corrupt, lease.Version, "digest 1111222233334444 differs", "client:host/42"), Token);
        Assert.Equal(ReplicaState.Corrupt, corrupt.Replicas.Single(r => r.ServerId == server).State);
        Assert.Equal(corrupt.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());

        // The same finding again is no news.
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Corrupt, lease.Version, "again", "client:host/42"), Token);
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Rebuilding, 0, "pulling from data-1", $"data-{server}"), Token);
        var repaired = await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Ok, lease.Version, "repaired from a good copy", $"data-{server}"), Token);
        Assert.Equal((ReplicaState.Ok, lease.Version), (repaired.Replicas.Single(r => r.ServerId == server).State, repaired.Replicas.Single(r => r.ServerId == server).Version));
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Missing, 0, "file not found", "scrub"), Token);
        await _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Stale, 0, "holds an older version", "scrub"), Token);

        var events = (await _api.GetEventsAsync(start, cancellationToken: Token)).Events;
        Assert.Equal([EventKinds.ReplicaCorrupt, EventKinds.RepairStarted, EventKinds.RepairFinished, EventKinds.ReplicaMissing, EventKinds.ReplicaStale], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(($"{dir.Path}/data.bin", file.Ino, lease.ChunkId, server), (e.Path, e.Ino, e.ChunkId, e.ServerId)));
        Assert.Equal(
            $"Replica of {dir.Path}/data.bin chunk {key} (index 2) on data-{server} is corrupt (was Ok): digest 1111222233334444 differs (reported by client:host/42).",
            events[0].Message);
        Assert.Equal(("client:host/42", EventSeverity.Error), (events[0].Source, events[0].Severity));
        Assert.Contains($"is ok again at version {lease.Version} (was Rebuilding): repaired from a good copy (reported by data-{server})", events[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_that_do_not_fit_are_refused()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 10, ChunkSize);
        var server = lease.Replicas[0].ServerId;
        var outsider = fixture.ServerIds.Except(lease.Replicas.Select(r => r.ServerId)).First();
        var before = await _api.GetChunkAsync(lease.ChunkId, Token);

        await ProblemAssert.ErrnoAsync(Errno.ESTALE, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Ok, lease.Version - 1, "r", "me"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(outsider, ReplicaState.Corrupt, 0, "r", "me"), Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReportReplicaAsync(long.MaxValue, new ReplicaReport(server, ReplicaState.Corrupt, 0, "r", "me"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, (ReplicaState)42, 0, "r", "me"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Corrupt, -1, "r", "me"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Corrupt, 0, "r", " "), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportReplicaAsync(lease.ChunkId, new ReplicaReport(server, ReplicaState.Corrupt, 0, new string('r', 1025), "me"), Token));

        Assert.Equal(before.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());
    }

    [Fact]
    public async Task A_failed_quorum_write_is_recorded_with_who_said_what()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "q.txt");
        var lease = await _api.LeaseAsync(file.Ino, 0);
        var ids = lease.Replicas.Select(r => r.ServerId).ToList();
        var before = await _api.GetChunkAsync(lease.ChunkId, Token);

        await _api.ReportWriteFailureAsync(file.Ino, new WriteFailureReport(lease.ChunkId, lease.Version, 2, [ids[0]],
            [new ReplicaFailure(ids[1], "connection refused"), new ReplicaFailure(ids[2], "timed out after 5 s")]), Token);

        var failure = Assert.Single((await _api.GetEventsAsync((await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId - 1, kind: "quorum.", cancellationToken: Token)).Events);
        Assert.Equal(
            $"Write of {dir.Path}/q.txt chunk {ChunkKey.FromId(lease.ChunkId)} (index 0) version {lease.Version} failed: 1 of 3 replica(s) acknowledged (data-{ids[0]}), " +
            $"write quorum Qw=2 not reached. data-{ids[1]}: connection refused. data-{ids[2]}: timed out after 5 s. Version 0 stays the visible one.",
            failure.Message);
        Assert.Equal((EventKinds.WriteQuorumFailed, EventSeverity.Error, $"{dir.Path}/q.txt", file.Ino, lease.ChunkId),
            (failure.Kind, failure.Severity, failure.Path, failure.Ino, failure.ChunkId));
        Assert.Equal(before.Describe(), (await _api.GetChunkAsync(lease.ChunkId, Token)).Describe());

        var other = await _api.NewFileAsync(dir.Ino, "other");
        await ProblemAssert.ErrnoAsync(Errno.ESTALE, () => _api.ReportWriteFailureAsync(other.Ino, new WriteFailureReport(lease.ChunkId, lease.Version, 2, [], []), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReportWriteFailureAsync(file.Ino, new WriteFailureReport(lease.ChunkId, lease.Version, 0, [], []), Token));
    }

    [Fact]
    public async Task Events_reported_about_a_chunk_get_its_file_and_path()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "scrubbed");
        var (lease, _) = await _api.WriteChunkAsync(file.Ino, 0, 10, ChunkSize);

        var added = await _api.AddEventAsync(new NewEvent(EventKinds.ScrubFinding, EventSeverity.Warning, "checksum mismatch", "data-1", ServerId: lease.Replicas[0].ServerId, ChunkId: lease.ChunkId), Token);

        Assert.Equal((file.Ino, $"{dir.Path}/scrubbed"), (added.Ino, added.Path));
    }
}
