using System.Net;
using Bunit;
using MudBlazor;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Components.Files;
using ReplicaFs.Web.Components.Pages;
using ReplicaFs.Web.Files;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Components;

/// <summary>The directory browser and the file page: states, chunks and replicas, Corrupt and Repair.</summary>
public sealed class FilePagesTests : DashboardTestContext
{
    public FilePagesTests()
    {
        SampleTree.Fill(Browser);
        Feed.Current = Snapshots.Healthy();
    }

    [Fact]
    public void It_shows_loading_until_the_path_is_resolved()
    {
        Browser.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs"));
        Assert.Contains("Looking up /docs", page.Find("[data-state=loading]").TextContent, StringComparison.Ordinal);

        Browser.Gate.SetResult();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=entry]").Count));
    }

    [Fact]
    public void A_missing_path_is_an_error_with_a_way_up()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/missing.txt"));

        page.WaitForAssertion(() => Assert.Contains("no such file or directory", page.Find("[data-state=error]").TextContent, StringComparison.Ordinal));
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == "/files/docs");
    }

    [Fact]
    public void An_unreachable_metadata_server_is_an_error_with_retry()
    {
        Browser.Failure = new HttpRequestException("Connection refused", null, HttpStatusCode.ServiceUnavailable);
        RenderProviders();
        var page = Render<FileBrowser>();

        page.WaitForAssertion(() => Assert.Contains("Connection refused", page.Find("[data-state=error]").TextContent, StringComparison.Ordinal));
        Browser.Failure = null;
        page.Find("[data-state=error] button").Click();
        page.WaitForAssertion(() => Assert.Equal(["docs", "empty"], page.FindAll("[data-testid=entry]").Select(e => e.GetAttribute("data-name"))));
    }

    [Fact]
    public void A_directory_lists_its_entries_with_links_and_breadcrumbs()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=entry]").Count));
        var report = page.Find("[data-testid=entry][data-name='report.txt']");
        Assert.Equal("/files/docs/report.txt", report.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("586 KiB", report.TextContent, StringComparison.Ordinal);
        Assert.Contains("-rw-r--r--", report.TextContent, StringComparison.Ordinal);
        Assert.Contains(page.FindAll("[data-testid=breadcrumbs] a"), a => a.GetAttribute("href") == "/files");
    }

    [Fact]
    public void A_slow_lookup_of_the_previous_path_does_not_overwrite_the_current_one()
    {
        Browser.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs"));

        // The user moves on before /docs was resolved; both lookups finish afterwards.
        page.Render(p => p.Add(c => c.Route, "empty"));
        Browser.Gate.SetResult();

        page.WaitForAssertion(() => Assert.Contains("This directory is empty.", page.Find("[data-state=empty]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=entry]"));
    }

    [Fact]
    public void An_empty_directory_says_so()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "empty"));

        page.WaitForAssertion(() => Assert.Contains("This directory is empty.", page.Find("[data-state=empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_directory_is_listed_page_by_page()
    {
        RenderProviders();
        var listing = Render<DirectoryListing>(p => p.Add(c => c.Directory, SampleTree.Directory(2)).Add(c => c.Path, "/docs").Add(c => c.PageSize, 2));

        listing.WaitForAssertion(() => Assert.Equal(2, listing.FindAll("[data-testid=entry]").Count));
        listing.Find("[data-testid=load-more]").Click();

        listing.WaitForAssertion(() => Assert.Equal(["report.txt", "zero.bin", "notes"], listing.FindAll("[data-testid=entry]").Select(e => e.GetAttribute("data-name"))));
        Assert.Empty(listing.FindAll("[data-testid=load-more]"));
    }

    [Fact]
    public void A_file_shows_its_attributes_chunks_and_each_replicas_state_per_server()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));
        Assert.Contains("586 KiB", page.Find("[data-testid=size]").TextContent, StringComparison.Ordinal);
        var first = page.Find("[data-testid=chunk][data-index='0']");
        Assert.Contains("00000000000000a1", first.TextContent, StringComparison.Ordinal);
        Assert.Equal(["Ok", "Ok", "Stale"], first.QuerySelectorAll("[data-testid=replica]").Select(r => r.GetAttribute("data-state")));
        Assert.Equal(["data-1", "data-2", "data-3"], first.QuerySelectorAll("[data-testid=replica]").Select(r => r.GetAttribute("data-server")));
        Assert.Equal("7", page.Find("[data-testid=replica-summary] [data-state=Ok]").GetAttribute("data-count"));
        Assert.Equal("1", page.Find("[data-testid=replica-summary] [data-state=Corrupt]").GetAttribute("data-count"));
    }

    [Fact]
    public void An_empty_file_has_no_chunks_and_says_so()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/zero.bin"));

        page.WaitForAssertion(() => Assert.Contains("This file is empty", page.Find("[data-state=empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Corrupt_asks_first_then_damages_the_replica_and_shows_it_corrupt_on_disk()
    {
        var dialogs = RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));

        page.Find("[data-testid=chunk][data-index='1'] [data-testid=replica][data-server=data-2] [data-testid=corrupt]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Flips 16 bytes", dialogs.Markup, StringComparison.Ordinal));
        Confirm(dialogs, "Corrupt");

        page.WaitForAssertion(() => Assert.Equal("Corrupt", page.Find("[data-testid=chunk][data-index='1'] [data-testid=replica][data-server=data-2]").GetAttribute("data-check")));
        Assert.Equal([$"corrupt data-2 chunk {0xa2} v7"], Actions.Calls);
        Assert.Contains("CORRUPT on disk", page.Find("[data-testid=chunk][data-index='1'] [data-testid=replica][data-server=data-2]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Snackbars, s => s.Severity == Severity.Success && s.Message.Contains("reads as corrupt", StringComparison.Ordinal));
        Assert.Contains("found 1 replica(s) bad on disk", page.Find("[data-testid=found-on-disk]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_admin_token_there_is_no_corrupt_button()
    {
        Options = Options with { AdminToken = null };
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));
        Assert.Empty(page.FindAll("[data-testid=corrupt]"));
    }

    [Fact]
    public void Repair_asks_first_then_shows_what_was_repaired()
    {
        Repair.Report = (ino, repair) => new FileCheckReport(ino, repair,
        [
            new ChunkCheck(0xa3, 2, 8,
            [
                new ReplicaCheck(1, "http://127.0.0.1:51235", ReplicaCondition.Good, "intact", Snapshots.Now),
                new ReplicaCheck(2, "http://127.0.0.1:51236", ReplicaCondition.Repaired, "was corrupt; repaired from server 1", Snapshots.Now),
                new ReplicaCheck(3, "http://127.0.0.1:51237", ReplicaCondition.Good, "intact", Snapshots.Now),
            ]),
        ], TimeSpan.FromMilliseconds(120));
        var dialogs = RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));

        page.Find("[data-testid=repair]").Click();
        Confirm(dialogs, "Repair");

        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=check-report]").GetAttribute("data-repaired")));
        Assert.Equal([(SampleTree.ReportIno, true)], Repair.Verifications);
        Assert.Contains("1 bad, 1 repaired", page.Find("[data-testid=check-report]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Repaired", page.Find("[data-testid=chunk][data-index='2'] [data-testid=replica][data-server=data-2]").GetAttribute("data-check"));
        Assert.Contains("was corrupt; repaired from server 1", page.Find("[data-testid=check-findings]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_runs_without_asking_and_a_failure_is_shown()
    {
        Repair.Failure = "Verify /docs/report.txt failed: HTTP 503";
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));

        page.Find("[data-testid=verify]").Click();

        page.WaitForAssertion(() => Assert.Contains(Snackbars, s => s.Severity == Severity.Error && s.Message.Contains("HTTP 503", StringComparison.Ordinal)));
        Assert.Equal([(SampleTree.ReportIno, false)], Repair.Verifications);
    }

    [Fact]
    public void An_event_about_the_file_reloads_its_chunks_live()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal("Corrupt", page.Find("[data-testid=chunk][data-index='2'] [data-testid=replica][data-server=data-2]").GetAttribute("data-state")));
        var loads = Browser.ChunkLoads;

        var page0 = Browser.Chunks[SampleTree.ReportIno];
        Browser.Chunks[SampleTree.ReportIno] = page0 with { Chunks = [page0.Chunks[0], page0.Chunks[1], SampleTree.Chunk(0xa3, 2, 8, (1, ReplicaState.Ok), (2, ReplicaState.Ok), (3, ReplicaState.Ok))] };
        Feed.Publish(Snapshots.Healthy() with { Events = [Snapshots.Event(50, EventKinds.RepairFinished, "repaired", serverId: 2, ino: SampleTree.ReportIno, chunkId: 0xa3), .. Snapshots.Healthy().Events] });

        page.WaitForAssertion(() => Assert.Equal("Ok", page.Find("[data-testid=chunk][data-index='2'] [data-testid=replica][data-server=data-2]").GetAttribute("data-state")));
        Assert.True(Browser.ChunkLoads > loads);
    }

    [Fact]
    public void An_event_about_another_file_does_not_reload()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));
        var loads = Browser.ChunkLoads;

        Feed.Publish(Snapshots.Healthy() with { Events = [Snapshots.Event(51, EventKinds.RepairFinished, "repaired", ino: 99, chunkId: 0xff), .. Snapshots.Healthy().Events] });

        page.WaitForAssertion(() => Assert.Equal(loads, Browser.ChunkLoads));
    }

    [Fact]
    public void A_chunk_map_that_cannot_be_loaded_is_an_error_with_retry()
    {
        RenderProviders();
        var page = Render<FileBrowser>(p => p.Add(c => c.Route, "docs/report.txt"));
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=chunk]").Count));

        Browser.Failure = new HttpRequestException("Connection reset by peer");
        Feed.Publish(Snapshots.Healthy() with { Events = [Snapshots.Event(52, EventKinds.ReplicaStale, "stale", ino: SampleTree.ReportIno), .. Snapshots.Healthy().Events] });

        page.WaitForAssertion(() => Assert.Contains("Connection reset by peer", page.Find("[data-state=error]").TextContent, StringComparison.Ordinal));
    }
}
