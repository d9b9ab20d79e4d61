using Bunit;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Components.Pages;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>The overview page in each state it can be in, fed through the same feed interface as the real poller.</summary>
public sealed class OverviewTests : DashboardTestContext
{
    [Fact]
    public void Before_the_first_poll_it_shows_that_it_is_connecting()
    {
        RenderProviders();
        var page = Render<Overview>();

        var banner = page.Find("[data-testid=health-banner]");
        Assert.Equal("Loading", banner.GetAttribute("data-status"));
        Assert.Contains("Connecting to the metadata server at http://127.0.0.1:51234", banner.TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=counters]"));
        Assert.NotEmpty(page.FindAll("[data-state=loading]"));
    }

    [Fact]
    public void When_the_metadata_server_does_not_answer_the_banner_says_unavailable_and_why()
    {
        Feed.Current = Snapshots.MetaUnreachable();
        RenderProviders();
        var page = Render<Overview>();

        var banner = page.Find("[data-testid=health-banner]");
        Assert.Equal("Unreachable", banner.GetAttribute("data-status"));
        Assert.Contains("UNAVAILABLE", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("Connection refused", banner.TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-state=error]"));
        Assert.Empty(page.FindAll("[data-testid=server-card]"));
    }

    [Fact]
    public void A_metadata_server_without_the_health_endpoint_is_an_error_state_not_a_crash()
    {
        Feed.Current = Snapshots.HealthMissing();
        RenderProviders();
        var page = Render<Overview>();

        var banner = page.Find("[data-testid=health-banner]");
        Assert.Equal("Unknown", banner.GetAttribute("data-status"));
        Assert.Contains("404", banner.TextContent, StringComparison.Ordinal);
        // The servers are still shown: they come from another endpoint.
        Assert.Equal(3, page.FindAll("[data-testid=server-card]").Count);
    }

    [Fact]
    public void A_healthy_cluster_shows_its_counters_its_matrix_at_goal_its_servers_and_its_quorums()
    {
        Feed.Current = Snapshots.Healthy();
        RenderProviders();
        var page = Render<Overview>();

        var banner = page.Find("[data-testid=health-banner]");
        Assert.Equal("Healthy", banner.GetAttribute("data-status"));
        Assert.Contains("HEALTHY", banner.TextContent, StringComparison.Ordinal);
        Assert.Contains("3 of 3 data servers up", banner.TextContent.Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);

        Assert.Equal("12", Counter(page, "Chunks"));
        Assert.Equal("0", Counter(page, "Corrupt"));
        Assert.Empty(page.FindAll(".rfs-tile-bad"));

        var cell = page.Find("[data-testid=replica-matrix] td[data-copies='3']");
        Assert.Equal("12", cell.GetAttribute("data-count"));
        Assert.Contains("rfs-copies-ok", cell.ClassList);

        Assert.Equal(["data-1", "data-2", "data-3"], page.FindAll("[data-testid=server-card]").Select(c => c.GetAttribute("data-server")));
        Assert.All(page.FindAll("[data-testid=server-card]"), c => Assert.Equal("Up", c.GetAttribute("data-status")));

        var client = page.Find("[data-testid=client]");
        Assert.Contains("strongly consistent", client.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT", client.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, page.FindAll("[data-testid=event]").Count);
        Assert.Equal(2, page.FindAll("[data-testid=chart]").Count);
    }

    [Fact]
    public void A_degraded_cluster_shows_the_reasons_the_bad_counters_the_short_matrix_cells_and_the_down_server()
    {
        Feed.Current = Snapshots.Degraded() with
        {
            Health = Fetched.Success(
                Snapshots.Health(HealthStatus.Degraded, ["1 of 3 data servers is not up: data-2 (Down)."], [new(0, 1), new(1, 2), new(2, 4), new(3, 8)], corrupt: 1, stale: 3, underReplicated: 7, serversUp: 2, clients: [Snapshots.Client(1, 1, strongly: false)]),
                Snapshots.Now),
        };
        RenderProviders();
        var page = Render<Overview>();

        var banner = page.Find("[data-testid=health-banner]");
        Assert.Equal("Degraded", banner.GetAttribute("data-status"));
        Assert.Contains("1 of 3 data servers is not up: data-2 (Down).", banner.TextContent, StringComparison.Ordinal);

        Assert.Equal("7", Counter(page, "Under-replicated"));
        Assert.Equal("1", Counter(page, "Corrupt"));
        Assert.Contains("rfs-tile-bad", page.Find("[data-testid=counter][data-label=Corrupt]").ClassList);
        Assert.Contains("rfs-tile-bad", page.Find("[data-testid=counter][data-label=Stale]").ClassList);

        Assert.Contains("rfs-copies-missing", page.Find("td[data-copies='0']").ClassList);
        Assert.Contains("rfs-copies-endangered", page.Find("td[data-copies='1']").ClassList);
        Assert.Contains("rfs-copies-under", page.Find("td[data-copies='2']").ClassList);
        Assert.Contains("rfs-copies-ok", page.Find("td[data-copies='3']").ClassList);

        var down = page.Find("[data-testid=server-card][data-server=data-2]");
        Assert.Equal("Down", down.GetAttribute("data-status"));
        Assert.Contains("30 s ago", down.QuerySelector("[data-testid=heartbeat-age]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("NOT strongly consistent", page.Find("[data-testid=client]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void It_updates_live_when_the_feed_publishes_and_unsubscribes_when_it_goes_away()
    {
        Feed.Current = Snapshots.Healthy();
        RenderProviders();
        var page = Render<Overview>();
        Assert.Equal("Healthy", page.Find("[data-testid=health-banner]").GetAttribute("data-status"));
        var subscribed = Feed.Subscribers;

        Feed.Publish(Snapshots.Degraded());
        page.WaitForAssertion(() => Assert.Equal("Degraded", page.Find("[data-testid=health-banner]").GetAttribute("data-status")));

        Feed.Publish(Snapshots.Degraded() with { Events = [Snapshots.Event(9, EventKinds.ServerDown, "data-2 is down.", EventSeverity.Warning, serverId: 2), .. Snapshots.Healthy().Events] });
        page.WaitForAssertion(() => Assert.Equal("server.down", page.FindAll("[data-testid=event]")[0].GetAttribute("data-kind")));

        page.Instance.Dispose();
        Assert.True(Feed.Subscribers < subscribed, "the page kept its subscription after it was disposed");
    }

    [Fact]
    public void A_stale_health_keeps_the_last_state_and_says_since_when_it_is_stale()
    {
        var healthy = Snapshots.Healthy();
        Feed.Current = healthy with { Health = healthy.Health.Failure("the server did not answer in time") };
        RenderProviders();
        var page = Render<Overview>();

        Assert.Equal("Healthy", page.Find("[data-testid=health-banner]").GetAttribute("data-status"));
        Assert.Contains("the server did not answer in time", page.Find("[data-testid=health-stale]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void In_local_mode_it_lists_the_supervised_processes_and_shows_a_killed_server_as_killed()
    {
        UseMode(DashboardMode.Local);
        Feed.Current = Snapshots.Local(
            Snapshots.Degraded(DashboardMode.Local),
            Snapshots.Process("meta", 51234, ProcessState.Running),
            Snapshots.Process("data-1", 51235, ProcessState.Running),
            Snapshots.Process("data-2", 51236, ProcessState.Killed, exitCode: 137),
            Snapshots.Process("data-3", 51237, ProcessState.Running));
        RenderProviders();
        var page = Render<Overview>();

        Assert.Equal(["meta", "data-1", "data-2", "data-3"], page.FindAll("[data-testid=process]").Select(p => p.GetAttribute("data-name")));
        var killed = page.Find("[data-testid=server-card][data-server=data-2]");
        Assert.Equal("Killed", killed.GetAttribute("data-status"));
        Assert.Contains("killed (SIGKILL)", killed.QuerySelector("[data-testid=server-process]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_local_start_up_is_shown_with_its_reason()
    {
        UseMode(DashboardMode.Local);
        Feed.Current = Snapshots.MetaUnreachable() with
        {
            Mode = DashboardMode.Local,
            SupervisorPhase = SupervisorPhase.Failed,
            SupervisorFailure = "meta: meta exited during start-up with code 2 (see logs/meta.log).",
            Processes = [Snapshots.Process("meta", 51234, ProcessState.Exited, exitCode: 2)],
        };
        RenderProviders();
        var page = Render<Overview>();

        Assert.Contains("meta exited during start-up with code 2", page.Find("[data-testid=supervisor-failed]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Exited", page.Find("[data-testid=process][data-name=meta]").GetAttribute("data-state"));
    }

    private static string Counter(IRenderedComponent<Overview> page, string label) =>
        page.Find($"[data-testid=counter][data-label='{label}'] [data-testid=counter-value]").TextContent.Trim();
}
