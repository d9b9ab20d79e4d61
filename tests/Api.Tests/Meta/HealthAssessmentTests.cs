using ReplicaFs.Api.Meta.Health;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The health rules on made-up snapshots (pure logic).</summary>
public sealed class HealthAssessmentTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-03-01T12:10:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_matrix_lists_every_count_up_to_the_largest_and_desired_is_capped_by_the_servers()
    {
        // R = 3 but only two servers: two valid copies are all that can be had.
        var health = Assess(3, [Server(1), Server(2)], [Row(2, 5)]);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal([0L, 0L, 5L], health.Matrix.Select(c => c.Chunks));
        Assert.Equal([0, 1, 2], health.Matrix.Select(c => c.ValidCopies));
    }

    [Fact]
    public void A_rebuilding_server_degrades_with_its_progress()
    {
        var rebuilding = Server(2, ServerState.Rebuilding, Now.AddMinutes(-3)) with { RebuiltReplicas = 7 };

        var health = Assess(2, [Server(1), rebuilding], [Row(1, 3), Row(2, 7)], toRebuild: new Dictionary<int, long> { [2] = 3 }, missing: 3);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(
            ["data-2 is rebuilding since 12:07:00 UTC: 3 replicas to go, 7 replicas rebuilt.", "3 chunks have 1 of 2 valid copies.", "Replicas waiting for repair: 3 missing."],
            health.Reasons);
        Assert.Equal((3L, 3L), (health.UnderReplicatedChunks, health.MissingReplicas));
    }

    [Fact]
    public void Clients_are_named_by_quorum_and_mixed_shortfalls_say_fewer_than()
    {
        var clients = Enumerable.Range(1, 5).Select(i => Client(i, readQuorum: i == 1 ? 3 : 2)).ToList();

        var health = Assess(3, [Server(1), Server(2), Server(3)], [Row(0, 1), Row(1, 2), Row(3, 10)], clients: clients);

        Assert.Equal(HealthStatus.Unavailable, health.Status);
        Assert.Equal(
            [
                "1 chunk has no valid copy: it cannot be read until a server holding one comes back.",
                "Client 'client 1' reads with Qr=3 but 3 chunks have fewer than 3 valid copies.",
                "Client 'client 2' reads with Qr=2 but 3 chunks have fewer than 2 valid copies.",
                "Client 'client 3' reads with Qr=2 but 3 chunks have fewer than 2 valid copies.",
                "2 more client(s) cannot read some chunks with their read quorum.",
                "2 chunks have 1 of 3 valid copies.",
            ],
            health.Reasons);
    }

    [Fact]
    public void A_crashed_server_and_stored_bytes()
    {
        var crashed = Server(3, ServerState.Crashed, Now.AddDays(-1)) with { ReplicaCount = 0, Stats = new DataServerStats(0, 0, 1, 1) };

        var health = Assess(3, [Server(1), Server(2), crashed], [Row(2, 1)]);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("data-3 crashed at 2026-02-28 12:10:00 UTC and holds no data until it is restored.", health.Reasons[0]);
        Assert.Equal(2000L, health.StoredBytes);
    }

    private static ClusterHealth Assess(
        int replicas,
        IReadOnlyList<ServerRecord> servers,
        IReadOnlyList<(int ValidCopies, long Chunks)> copies,
        IReadOnlyList<ClientSession>? clients = null,
        IReadOnlyDictionary<int, long>? toRebuild = null,
        long missing = 0) =>
        HealthAssessment.Assess(new HealthInputs(
            replicas,
            servers,
            new InodeTotals(1, 1, 100),
            new CopyCounts([.. copies.Select(c => new CopyCountRow(c.ValidCopies, c.Chunks))], 0, 0, missing, 0),
            toRebuild ?? new Dictionary<int, long>(),
            clients ?? [],
            s => new ReReplicationOutlook(true, s.StateSince.AddMinutes(5), null),
            Now));

    private static ServerRecord Server(int id, ServerState state = ServerState.Up, DateTimeOffset? since = null) =>
        new(id, $"data-{id}", $"http://127.0.0.1:{9000 + id}", $"i{id}", state, since ?? Now.AddHours(-1), Now.AddHours(-1), Now, new DataServerStats(1, 1000, 1L << 30, 1L << 29), 10, 0);

    private static (int ValidCopies, long Chunks) Row(int validCopies, long chunks) => (validCopies, chunks);

    private static ClientSession Client(int id, int readQuorum) => new(id, $"client {id}", "h", id, readQuorum, 1, false, Now, Now);
}
