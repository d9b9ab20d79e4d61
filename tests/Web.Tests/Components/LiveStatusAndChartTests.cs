using Bunit;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Components.Cluster;
using ReplicaFs.Web.Components.Layout;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>The app bar's live status and the activity charts.</summary>
public sealed class LiveStatusAndChartTests : DashboardTestContext
{
    [Fact]
    public void The_app_bar_says_connecting_then_the_status_then_that_meta_is_unreachable()
    {
        RenderProviders();
        var status = Render<LiveStatus>();
        Assert.Contains("connecting", status.Markup, StringComparison.Ordinal);
        Assert.Contains("rfs-live-stale", status.Markup, StringComparison.Ordinal);

        Feed.Publish(Snapshots.Degraded());
        status.WaitForAssertion(() => Assert.Equal("DEGRADED", status.Find("[data-testid=appbar-health]").TextContent.Trim()));
        Assert.DoesNotContain("rfs-live-stale", status.Markup, StringComparison.Ordinal);

        Feed.Publish(Snapshots.MetaUnreachable());
        status.WaitForAssertion(() => Assert.Equal("META UNREACHABLE", status.Find("[data-testid=appbar-health]").TextContent.Trim()));
        Assert.Contains("rfs-live-stale", status.Markup, StringComparison.Ordinal);

        Feed.Publish(Snapshots.HealthMissing());
        status.WaitForAssertion(() => Assert.Equal("HEALTH UNKNOWN", status.Find("[data-testid=appbar-health]").TextContent.Trim()));
    }

    [Fact]
    public void The_chart_waits_for_two_samples_then_draws_both_charts_with_their_current_values()
    {
        RenderProviders();
        var waiting = Render<ActivityChart>(p => p.Add(c => c.Snapshot, Snapshots.Healthy() with { Activity = [] }));
        Assert.Contains("Collecting activity samples", waiting.Find("[data-state=loading]").TextContent, StringComparison.Ordinal);

        var chart = Render<ActivityChart>(p => p.Add(c => c.Snapshot, Snapshots.Healthy()));
        var charts = chart.FindAll("[data-testid=chart]");
        Assert.Equal(["Throughput", "Requests and repairs"], charts.Select(c => c.GetAttribute("data-title")));
        Assert.Equal(2, charts[0].QuerySelectorAll("polyline").Length);
        Assert.Contains("9.00 MiB/s", charts[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("49", charts[1].TextContent, StringComparison.Ordinal);
        Assert.Empty(chart.FindAll("[data-testid=no-activity]"));
    }

    [Fact]
    public void Without_server_counters_the_chart_says_only_repairs_are_charted()
    {
        RenderProviders();
        var chart = Render<ActivityChart>(p => p.Add(c => c.Snapshot, Snapshots.Healthy() with { HasServerActivity = false }));

        Assert.Contains("only repairs are charted", chart.Find("[data-testid=no-activity]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_has_an_empty_state_and_marks_over_replicated_chunks()
    {
        RenderProviders();
        var empty = Render<ReplicaMatrix>(p => p.Add(c => c.Health, Snapshots.Health(HealthStatus.Healthy, [], [])));
        Assert.Contains("No chunks yet", empty.Find("[data-state=empty]").TextContent, StringComparison.Ordinal);

        var over = Render<ReplicaMatrix>(p => p.Add(c => c.Health, Snapshots.Health(HealthStatus.Healthy, [], [new(3, 5), new(4, 2)])));
        Assert.Contains("rfs-copies-over", over.Find("td[data-copies='4']").ClassList);
        Assert.Contains("5 of 7 chunks fully replicated", over.Markup.Replace("<b>", string.Empty, StringComparison.Ordinal).Replace("</b>", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
