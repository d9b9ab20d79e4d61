using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The event log: appending, paging, the kind prefix filter, validation.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class EventLogTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_log_starts_with_meta_started()
    {
        var page = await _api.GetEventsAsync(kind: "meta.", cancellationToken: Token);
        var started = page.Events[0];
        Assert.Equal(EventKinds.MetaStarted, started.Kind);
        Assert.Equal("meta", started.Source);
        Assert.Contains("created", started.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_page_oldest_first_and_filter_by_kind_prefix()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;
        var added = new List<ClusterEvent>();
        for (var i = 0; i < 105; i++)
        {
            var kind = i % 2 == 0 ? $"test{run}.even" : $"test{run}.odd-{i}";
            added.Add(await _api.AddEventAsync(new NewEvent(kind, EventSeverity.Warning, $"event {i}", "client:test/1"), Token));
        }

        Assert.Equal(added.Select(e => e.Id).Order(), added.Select(e => e.Id));
        var first = await _api.GetEventsAsync(after: start, limit: 10, cancellationToken: Token);
        Assert.Equal(added.Take(10).Select(e => e.Id), first.Events.Select(e => e.Id));
        Assert.Equal(added[^1].Id, first.LastId);
        var second = await _api.GetEventsAsync(after: first.Events[^1].Id, limit: 10, cancellationToken: Token);
        Assert.Equal(added.Skip(10).Take(10).Select(e => e.Id), second.Events.Select(e => e.Id));

        var even = await _api.GetEventsAsync(after: start, kind: $"test{run}.even", cancellationToken: Token);
        Assert.Equal(53, even.Events.Count);
        Assert.All(even.Events, e => Assert.Equal($"test{run}.even", e.Kind));
        var all = await _api.GetEventsAsync(after: start, kind: $"test{run}.", cancellationToken: Token);
        Assert.Equal(100, all.Events.Count);
        var odd = await _api.GetEventsAsync(after: start, kind: $"test{run}.odd", cancellationToken: Token);
        Assert.Equal(52, odd.Events.Count);

        var stored = all.Events[3];
        Assert.Equal((EventSeverity.Warning, "event 3", "client:test/1"), (stored.Severity, stored.Message, stored.Source));
        Assert.True(stored.Time > DateTimeOffset.UtcNow.AddMinutes(-5));

        // 100 events per page unless asked otherwise.
        Assert.Equal(added.Take(100).Select(e => e.Id), (await _api.GetEventsAsync(after: start, cancellationToken: Token)).Events.Select(e => e.Id));
        Assert.Empty((await _api.GetEventsAsync(after: added[^1].Id, cancellationToken: Token)).Events);
    }

    [Fact]
    public async Task An_event_about_an_inode_carries_its_path()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var sub = await _api.NewDirectoryAsync(dir.Ino, "sub");
        var file = await _api.NewFileAsync(sub.Ino, "file.bin");

        var added = await _api.AddEventAsync(new NewEvent("client.note", EventSeverity.Info, "looked at it", "client:x/2", Ino: file.Ino), Token);

        Assert.Equal(file.Ino, added.Ino);
        Assert.Equal($"{dir.Path}/sub/file.bin", added.Path);
        var root = await _api.AddEventAsync(new NewEvent("client.note", EventSeverity.Info, "root", "client:x/2", Ino: 1), Token);
        Assert.Equal("/", root.Path);
    }

    [Fact]
    public async Task Bad_events_are_refused()
    {
        var lastId = (await _api.GetEventsAsync(limit: 1, cancellationToken: Token)).LastId;
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("Upper", EventSeverity.Info, "m", "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("1digit", EventSeverity.Info, "m", "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("a" + new string('b', 64), EventSeverity.Info, "m", "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("ok.kind\n", EventSeverity.Info, "m", "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("ok.kind", EventSeverity.Info, new string('m', 4097), "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("ok.kind", EventSeverity.Info, "m", new string('s', 129)), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("ok.kind", (EventSeverity)9, "m", "s"), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.AddEventAsync(new NewEvent("ok.kind", EventSeverity.Info, "m", "s", Ino: -1), Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetEventsAsync(limit: 1001, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetEventsAsync(limit: 0, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.GetEventsAsync(kind: "Replica.", cancellationToken: Token));

        // The longest accepted values pass.
        var longest = await _api.AddEventAsync(new NewEvent("a" + new string('b', 63), EventSeverity.Error, new string('m', 4096), new string('s', 128)), Token);
        Assert.Equal(lastId + 1, longest.Id);
    }
}
