using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server of its own (its tests restart it).</summary>
public sealed class NamesClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new()
    {
        DataServers = 0,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        HeartbeatTimeout = TimeSpan.FromMinutes(10),
    };
}

/// <summary>Server names: the default, a chosen one, uniqueness, renaming, and persistence across restarts.</summary>
public sealed class ServerNameTests(NamesClusterFixture fixture) : IClassFixture<NamesClusterFixture>
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_without_a_name_is_data_id_and_a_chosen_name_is_kept()
    {
        var plain = await _api.RegisterAsync(FakeDataServers.Request(300), Token);
        var named = await _api.RegisterAsync(FakeDataServers.Request(301) with { Name = "  rack1-disk2 " }, Token);

        Assert.Equal($"data-{plain.ServerId}", (await _api.GetServerAsync(plain.ServerId, Token)).Name);
        Assert.Equal("rack1-disk2", (await _api.GetServerAsync(named.ServerId, Token)).Name);
        var events = (await _api.GetEventsAsync(kind: EventKinds.ServerRegistered, limit: 1000, cancellationToken: Token)).Events;
        Assert.Contains(events, e => e.ServerId == named.ServerId && e.Message == $"rack1-disk2 registered at {FakeDataServers.UrlOf(301)}.");

        // Registering again without a name keeps the chosen one.
        await _api.RegisterAsync(FakeDataServers.Request(301), Token);
        Assert.Equal("rack1-disk2", (await _api.GetServerAsync(named.ServerId, Token)).Name);
    }

    [Fact]
    public async Task A_name_used_by_another_server_is_409_and_changes_nothing()
    {
        var first = await _api.RegisterAsync(FakeDataServers.Request(310) with { Name = "data-shelf-a" }, Token);
        var count = (await _api.GetServersAsync(Token)).Count;

        var problem = await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.RegisterAsync(FakeDataServers.Request(311) with { Name = "DATA-SHELF-A" }, Token));

        Assert.Contains($"already used by data-shelf-a at {FakeDataServers.UrlOf(310)}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(count, (await _api.GetServersAsync(Token)).Count);

        // A known server asking for a taken name is refused too, and keeps its own.
        var second = await _api.RegisterAsync(FakeDataServers.Request(312) with { Name = "data-shelf-b" }, Token);
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.RegisterAsync(FakeDataServers.Request(312) with { Name = "data-shelf-a" }, Token));
        Assert.Equal("data-shelf-b", (await _api.GetServerAsync(second.ServerId, Token)).Name);

        // Its own name in another case is a rename, not a conflict.
        await _api.RegisterAsync(FakeDataServers.Request(310) with { Name = "Data-Shelf-A" }, Token);
        Assert.Equal("Data-Shelf-A", (await _api.GetServerAsync(first.ServerId, Token)).Name);
        Assert.Contains((await _api.GetEventsAsync(kind: EventKinds.ServerRegistered, limit: 1000, cancellationToken: Token)).Events,
            e => e.ServerId == first.ServerId && e.Message.EndsWith("is now named Data-Shelf-A.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_default_name_taken_by_an_operator_gets_a_suffix()
    {
        // The test may run first, on a server that knows nobody yet.
        var next = (await _api.GetServersAsync(Token)).Select(s => s.Id).DefaultIfEmpty(0).Max() + 2;
        await _api.RegisterAsync(FakeDataServers.Request(320) with { Name = $"data-{next}" }, Token);

        var plain = await _api.RegisterAsync(FakeDataServers.Request(321), Token);

        Assert.Equal(next, plain.ServerId);
        Assert.Equal($"data-{next}-2", (await _api.GetServerAsync(plain.ServerId, Token)).Name);
    }

    [Fact]
    public async Task Bad_names_are_400()
    {
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(330) with { Name = "  " }, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(330) with { Name = new string('n', 65) }, Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.RegisterAsync(FakeDataServers.Request(330) with { Name = "a\nb" }, Token));
        Assert.DoesNotContain(await _api.GetServersAsync(Token), s => s.Url == FakeDataServers.UrlOf(330));
    }

    [Fact]
    public async Task Names_survive_a_restart_of_meta()
    {
        var plain = await _api.RegisterAsync(FakeDataServers.Request(340), Token);
        var named = await _api.RegisterAsync(FakeDataServers.Request(341) with { Name = "survivor" }, Token);

        await fixture.Cluster.RestartMetaAsync(Token);

        Assert.Equal($"data-{plain.ServerId}", (await _api.GetServerAsync(plain.ServerId, Token)).Name);
        Assert.Equal("survivor", (await _api.GetServerAsync(named.ServerId, Token)).Name);
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.RegisterAsync(FakeDataServers.Request(342) with { Name = "SURVIVOR" }, Token));
    }
}
