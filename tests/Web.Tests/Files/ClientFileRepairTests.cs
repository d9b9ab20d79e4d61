using ReplicaFs.Client;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Testing;
using ReplicaFs.Web.Files;
using ReplicaFs.Web.Tests.Supervision;

namespace ReplicaFs.Web.Tests.Files;

/// <summary>Verify and Repair of the file page, through ReplicaFs.Client's FileVerifier, against a real cluster.</summary>
[Collection(RealClusters.Name)]
public sealed class ClientFileRepairTests
{
    [Fact(Timeout = 300_000)]
    public async Task Verify_finds_corrupt_and_missing_replicas_and_repair_fixes_them_through_the_read_repair_path()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 3, Replicas = 3 }, cancellationToken);
        await using var client = await ReplicaFsClient.ConnectAsync(new ReplicaFsClientOptions { MetaUrl = cluster.MetaUrl }, cancellationToken: cancellationToken);
        var file = await client.CreateFileAsync("/verify.bin", cancellationToken: cancellationToken);
        var data = new byte[(2 * client.ChunkSize) + 1234];
        new Random(17).NextBytes(data);
        await client.WriteAsync(file.Ino, 0, data, cancellationToken);
        var chunks = (await cluster.MetaApi.GetChunksAsync(file.Ino, 0, 10, cancellationToken)).Chunks;
        Assert.Equal(3, chunks.Count);

        // Damage: chunk 0 corrupt on server A, chunk 2 deleted on server B.
        var corrupt = chunks[0].Replicas[0];
        var missing = chunks[2].Replicas[1];
        await cluster.CorruptAsync(await cluster.IndexOfServerAsync(corrupt.ServerId, cancellationToken), ChunkKey.FromId(chunks[0].ChunkId), cancellationToken: cancellationToken);
        await cluster.DataApi(await cluster.IndexOfServerAsync(missing.ServerId, cancellationToken)).DeleteChunkAsync(ChunkKey.FromId(chunks[2].ChunkId), cancellationToken: cancellationToken);

        await using var verifier = FileVerifier.Create(new ReplicaFsClientOptions { MetaUrl = cluster.MetaUrl, ClientName = "dashboard:test/1" });
        var repair = new ClientFileRepair(verifier, TimeProvider.System);

        var found = await repair.VerifyAsync(file.Ino, repair: false, cancellationToken);
        Assert.Equal(9, found.ReplicasChecked);
        Assert.Equal(2, found.BadReplicas);
        Assert.Equal(ReplicaCondition.Corrupt, Condition(found, chunks[0].ChunkId, corrupt.ServerId));
        Assert.Equal(ReplicaCondition.Missing, Condition(found, chunks[2].ChunkId, missing.ServerId));
        Assert.Contains("not repaired", found.Summary(), StringComparison.Ordinal);
        // Verification alone changes nothing.
        Assert.False((await cluster.DataApi(await cluster.IndexOfServerAsync(corrupt.ServerId, cancellationToken)).GetDigestAsync(ChunkKey.FromId(chunks[0].ChunkId), chunks[0].Version, cancellationToken)).Intact);

        var single = await repair.CheckReplicaAsync(chunks[0], corrupt, cancellationToken);
        Assert.Equal(ReplicaCondition.Corrupt, single.Condition);

        var repaired = await repair.VerifyAsync(file.Ino, repair: true, cancellationToken);
        Assert.Equal(2, repaired.Repaired);
        Assert.Equal(0, repaired.StillBad);
        Assert.Equal(ReplicaCondition.Repaired, Condition(repaired, chunks[0].ChunkId, corrupt.ServerId));
        Assert.Equal(ReplicaCondition.Repaired, Condition(repaired, chunks[2].ChunkId, missing.ServerId));

        // Every replica verifies now, meta has them Ok, and the repairs are in the event log under the dashboard's name.
        Assert.Equal(0, (await repair.VerifyAsync(file.Ino, repair: false, cancellationToken)).BadReplicas);
        var after = (await cluster.MetaApi.GetChunksAsync(file.Ino, 0, 10, cancellationToken)).Chunks;
        Assert.All(after.SelectMany(c => c.Replicas), r => Assert.Equal(ReplicaState.Ok, r.State));
        var events = (await cluster.MetaApi.GetEventsAsync(0, 1000, EventKinds.RepairFinished, cancellationToken)).Events;
        Assert.Contains(events, e => e.ChunkId == chunks[0].ChunkId && e.Source == "dashboard:test/1");
        var buffer = new byte[data.Length];
        Assert.Equal(data.Length, await client.ReadAsync(file.Ino, 0, buffer, cancellationToken));
        Assert.Equal(data, buffer);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_unreachable_server_is_reported_and_not_repaired_and_an_unknown_file_is_a_clear_error()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { DataServers = 2, Replicas = 2 }, cancellationToken);
        await using var client = await ReplicaFsClient.ConnectAsync(new ReplicaFsClientOptions { MetaUrl = cluster.MetaUrl, WriteQuorum = 2, ReadQuorum = 1 }, cancellationToken: cancellationToken);
        var file = await client.CreateFileAsync("/one.bin", cancellationToken: cancellationToken);
        await client.WriteAsync(file.Ino, 0, new byte[1000], cancellationToken);
        await cluster.KillDataServerAsync(1);

        await using var verifier = FileVerifier.Create(new ReplicaFsClientOptions { MetaUrl = cluster.MetaUrl, DigestTimeout = TimeSpan.FromSeconds(2) });
        var repair = new ClientFileRepair(verifier, TimeProvider.System);
        var report = await repair.VerifyAsync(file.Ino, repair: true, cancellationToken);

        var replicas = report.Chunks.Single().Replicas;
        Assert.Contains(replicas, r => r.Condition == ReplicaCondition.Unreachable);
        Assert.Contains(replicas, r => r.Condition == ReplicaCondition.Good);
        Assert.Equal(0, report.Repaired);

        var error = await Assert.ThrowsAsync<Web.Actions.DashboardActionException>(() => repair.VerifyAsync(987654, repair: false, cancellationToken));
        Assert.Contains("inode 987654", error.Message, StringComparison.Ordinal);
    }

    private static ReplicaCondition Condition(FileCheckReport report, long chunkId, int serverId) =>
        report.Chunks.Single(c => c.ChunkId == chunkId).Replicas.Single(r => r.ServerId == serverId).Condition;
}
