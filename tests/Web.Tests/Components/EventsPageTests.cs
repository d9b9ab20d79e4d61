using Bunit;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Components.Pages;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>The event log page: live list, filters, and older events on demand.</summary>
public sealed class EventsPageTests : DashboardTestContext
{
    private static readonly ClusterEvent[] Log =
    [
        Snapshots.Event(6, EventKinds.RepairFinished, "data-2 repaired chunk 00000000000000a1.", serverId: 2, ino: 5, chunkId: 0xa1, path: "/docs/report.txt"),
        Snapshots.Event(5, EventKinds.ReplicaCorrupt, "Replica of chunk 00000000000000a1 on data-2 is corrupt.", EventSeverity.Error, serverId: 2, ino: 5, chunkId: 0xa1, path: "/docs/report.txt"),
        Snapshots.Event(4, EventKinds.ServerDown, "data-3 is down: silent for 5.2 s.", EventSeverity.Warning, serverId: 3),
        Snapshots.Event(3, EventKinds.ServerRegistered, "data-3 registered.", serverId: 3),
    ];

    [Fact]
    public void It_shows_loading_then_error_then_empty_states()
    {
        RenderProviders();
        var page = Render<EventLog>();
        Assert.NotEmpty(page.FindAll("[data-state=loading]"));

        Feed.Publish(Snapshots.MetaUnreachable());
        page.WaitForAssertion(() => Assert.Contains("Connection refused", page.Find("[data-state=error]").TextContent, StringComparison.Ordinal));

        Feed.Publish(Snapshots.Healthy() with { Events = [] });
        page.WaitForAssertion(() => Assert.Contains("No events yet.", page.Find("[data-state=empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void It_lists_events_newest_first_with_their_file_links_and_server_names()
    {
        Feed.Current = Snapshots.Healthy() with { Events = Log };
        RenderProviders();
        var page = Render<EventLog>();

        Assert.Equal(["repair.finished", "replica.corrupt", "server.down", "server.registered"], page.FindAll("[data-testid=event]").Select(e => e.GetAttribute("data-kind")));
        var corrupt = page.FindAll("[data-testid=event]")[1];
        Assert.Contains("data-2", corrupt.TextContent, StringComparison.Ordinal);
        Assert.Equal("/files/docs/report.txt", corrupt.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void New_events_appear_at_the_top_as_they_arrive()
    {
        Feed.Current = Snapshots.Healthy() with { Events = Log[1..] };
        RenderProviders();
        var page = Render<EventLog>();
        Assert.Equal("replica.corrupt", page.FindAll("[data-testid=event]")[0].GetAttribute("data-kind"));

        Feed.Publish(Snapshots.Healthy() with { Events = Log });

        page.WaitForAssertion(() => Assert.Equal("repair.finished", page.FindAll("[data-testid=event]")[0].GetAttribute("data-kind")));
    }

    [Fact]
    public void The_kind_prefix_filter_keeps_matching_kinds_only()
    {
        Feed.Current = Snapshots.Healthy() with { Events = Log };
        RenderProviders();
        var page = Render<EventLog>();

        page.Find("input[data-testid=filter-kind]").Input("server.");

        page.WaitForAssertion(() => Assert.Equal(["server.down", "server.registered"], page.FindAll("[data-testid=event]").Select(e => e.GetAttribute("data-kind"))));
        Assert.Contains("2 of 4 loaded events", page.Find("[data-testid=event-count]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_filter_searches_messages_and_paths_and_says_when_nothing_matches()
    {
        Feed.Current = Snapshots.Healthy() with { Events = Log };
        RenderProviders();
        var page = Render<EventLog>();

        page.Find("input[data-testid=filter-text]").Input("REPORT.TXT");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=event]").Count));

        page.Find("input[data-testid=filter-text]").Input("no such words");
        page.WaitForAssertion(() => Assert.Contains("No loaded event matches the filter.", page.Find("[data-state=empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Older_events_load_on_demand_below_the_live_ones_until_the_start_of_the_log()
    {
        var older = Enumerable.Range(1, 2).Select(i => Snapshots.Event(i, EventKinds.MetaStarted, $"Start {i}.")).ToArray();
        Archive = new FakeEventArchive([.. Log, .. older]);
        Feed.Current = Snapshots.Healthy() with { Events = Log };
        RenderProviders();
        var page = Render<EventLog>();

        page.Find("[data-testid=load-older]").Click();

        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("[data-testid=event]").Count));
        Assert.Equal([3L], Archive.Requests);
        Assert.Equal("meta.started", page.FindAll("[data-testid=event]")[^1].GetAttribute("data-kind"));
        Assert.Contains("That is the whole log.", page.Markup, StringComparison.Ordinal);
    }
}
