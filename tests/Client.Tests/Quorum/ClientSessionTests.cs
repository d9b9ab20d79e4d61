using ReplicaFs.Client.Tests.Fakes;

namespace ReplicaFs.Client.Tests.Quorum;

/// <summary>The client's session at the metadata server (its quorums, for health and the dashboard).</summary>
public sealed class ClientSessionTests
{
    [Fact]
    public async Task A_client_registers_its_quorums_renews_registers_again_when_forgotten_and_ends_on_dispose()
    {
        var cluster = new FakeCluster();
        var client = await cluster.ConnectAsync(o => o with { SessionName = "mount /mnt/test" }, readQuorum: 2, writeQuorum: 2);

        Assert.True(await TestData.EventuallyAsync(() => client.SessionId is not null, TimeSpan.FromSeconds(5)));
        var session = Assert.Single(cluster.Meta.Sessions.Values);
        Assert.Equal(("mount /mnt/test", Environment.ProcessId, 2, 2, false), (session.Name, session.Pid, session.ReadQuorum, session.WriteQuorum, session.StronglyConsistent));

        // Meta forgets it (expiry, restart): the next renewal registers a new one.
        cluster.Meta.Sessions.Clear();
        Assert.True(await TestData.EventuallyAsync(() => client.SessionId is { } id && id != session.Id && cluster.Meta.Sessions.ContainsKey(id), TimeSpan.FromSeconds(10)));
        Assert.True(cluster.Meta.SessionRenewals >= 1);

        await client.DisposeAsync();
        Assert.Empty(cluster.Meta.Sessions);
    }
}
