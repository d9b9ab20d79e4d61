using Bunit;
using MudBlazor;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Components.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>A data server card: figures, progress, and the Kill / Restore / Scrub buttons with their confirmations and outcomes.</summary>
public sealed class ServerCardTests : DashboardTestContext
{
    [Fact]
    public void It_shows_the_figures_the_latency_and_the_scrub_and_rebuild_progress()
    {
        var activity = new ServerActivity(
            1200,
            10_485_760,
            5_242_880,
            3.25,
            new RebuildProgress(true, 40, 100, 10_485_760, 26_214_400, 1, Snapshots.Now.AddSeconds(-20), null),
            new ScrubProgress(false, 12, 12, 3_145_728, 1, Snapshots.Now.AddMinutes(-2), Snapshots.Now.AddMinutes(-1)),
            7);
        var server = new ServerView("data-2", "http://127.0.0.1:51236", Snapshots.Server(2, ServerState.Rebuilding, activity: activity), null);
        RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now).Add(c => c.HeartbeatTimeout, TimeSpan.FromSeconds(5)));

        Assert.Equal("Rebuilding", card.Find("[data-testid=server-card]").GetAttribute("data-status"));
        Assert.Contains("3.25 ms", card.Markup, StringComparison.Ordinal);
        Assert.Contains("0.4 s ago", card.Find("[data-testid=heartbeat-age]").TextContent, StringComparison.Ordinal);
        var rebuild = card.Find("[data-testid=rebuild-progress]").TextContent;
        Assert.Contains("40 / 100 chunks", rebuild, StringComparison.Ordinal);
        Assert.Contains("10.0 MiB / 25.0 MiB", rebuild, StringComparison.Ordinal);
        Assert.Contains("1 failed", rebuild, StringComparison.Ordinal);
        Assert.Contains("1 corrupt", card.Find("[data-testid=scrub]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_activity_it_says_so_instead_of_showing_empty_bars()
    {
        var server = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1), null);
        RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        Assert.Contains("no scrub reported yet", card.Find("[data-testid=scrub]").TextContent, StringComparison.Ordinal);
        Assert.Contains("nothing to rebuild so far", card.Find("[data-testid=rebuild]").TextContent, StringComparison.Ordinal);
        Assert.Contains("–", card.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProcessState.Running, false, true)]
    [InlineData(ProcessState.Killed, true, false)]
    [InlineData(ProcessState.Exited, true, false)]
    public void In_local_mode_kill_needs_a_live_process_and_restore_a_dead_one(ProcessState state, bool canRestore, bool canKill)
    {
        UseMode(DashboardMode.Local);
        var server = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1), Snapshots.Process("data-1", 51235, state, exitCode: state == ProcessState.Running ? null : 137));
        RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        Assert.Equal(!canKill, card.Find("[data-testid=kill]").HasAttribute("disabled"));
        Assert.Equal(!canRestore, card.Find("[data-testid=restore]").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(ServerState.Up, true, false)]
    [InlineData(ServerState.Crashed, false, true)]
    public void In_remote_mode_kill_crashes_a_live_server_and_restore_needs_a_crashed_one(ServerState state, bool canKill, bool canRestore)
    {
        var server = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1, state), null);
        RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        Assert.Equal(!canKill, card.Find("[data-testid=kill]").HasAttribute("disabled"));
        Assert.Equal(!canRestore, card.Find("[data-testid=restore]").HasAttribute("disabled"));
    }

    [Fact]
    public void Kill_asks_first_then_runs_and_shows_the_outcome()
    {
        UseMode(DashboardMode.Local);
        var server = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1), Snapshots.Process("data-1", 51235, ProcessState.Running, pid: 4321));
        var dialogs = RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        card.Find("[data-testid=kill]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("SIGKILL to data-1 (pid 4321)", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(Actions.Calls);

        Confirm(dialogs, "Kill");
        card.WaitForAssertion(() => Assert.Equal(["kill data-1"], Actions.Calls));
        card.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Message == "done: kill data-1" && s.Severity == Severity.Success));
    }

    [Fact]
    public void Cancelling_the_confirmation_does_nothing()
    {
        var server = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1), null);
        var dialogs = RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        card.Find("[data-testid=scrub-button]").Click();
        Confirm(dialogs, "Cancel");

        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.Empty(Actions.Calls);
        Assert.Empty(Snackbars);
    }

    [Fact]
    public void A_failed_action_shows_its_error_and_is_not_swallowed()
    {
        Actions.Failure = "HTTP 404: /api/faults/crash was not found";
        var server = new ServerView("data-3", "http://127.0.0.1:51237", Snapshots.Server(3), null);
        var dialogs = RenderProviders();
        var card = Render<ServerCard>(p => p.Add(c => c.Server, server).Add(c => c.Now, Snapshots.Now));

        card.Find("[data-testid=kill]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("crash fault endpoint", dialogs.Markup, StringComparison.Ordinal));
        Confirm(dialogs, "Kill");

        card.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Severity == Severity.Error && s.Message.Contains("/api/faults/crash was not found", StringComparison.Ordinal)));
        Assert.False(card.Find("[data-testid=kill]").HasAttribute("disabled"), "the button stayed disabled after the failure");
    }
}
