using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Tests.Supervision;

namespace ReplicaFs.Web.Tests.Browser;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) against a local cluster started with
/// <c>./replicafs up</c>: the buttons do what they say and the pages follow the cluster live.
/// </summary>
[Collection(RealClusters.Name)]
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private LocalCluster? _cluster;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private LocalCluster Cluster => _cluster!;

    public async ValueTask InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(dataServers: 3, replicas: 3, TestContext.Current.CancellationToken);
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_cluster is not null)
        {
            // Every process's log (the test output is shown when a test fails): a server that exits says why there.
            foreach (var name in _cluster.LogNames())
            {
                output.WriteLine($"----- {name}.log -----");
                output.WriteLine(_cluster.Log(name));
            }

            await _cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Corrupting_a_replica_with_its_button_shows_it_corrupt_and_Repair_repairs_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (ino, data) = await WriteFileAsync("/demo", "report.bin", chunks: 3, seed: 1, cancellationToken);
        var page = await OpenAsync("/files/demo/report.bin");
        await Expect(page.Locator("[data-testid=chunk]")).ToHaveCountAsync(3);

        var replica = page.Locator("[data-testid=chunk][data-index='1'] [data-testid=replica][data-server=data-2]");
        await replica.Locator("[data-testid=corrupt]").ClickAsync();
        await ConfirmAsync(page, "Corrupt");
        await Expect(replica).ToHaveAttributeAsync("data-check", "Corrupt", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-testid=found-on-disk]")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "file.png");

        await page.Locator("[data-testid=repair]").ClickAsync();
        await ConfirmAsync(page, "Repair");
        var report = page.Locator("[data-testid=check-report]");
        await Expect(report).ToHaveAttributeAsync("data-repaired", "1", new() { Timeout = 60_000 });
        await Expect(report).ToHaveAttributeAsync("data-still-bad", "0");
        await Expect(replica).ToHaveAttributeAsync("data-state", "Ok", new() { Timeout = 30_000 });

        // The repair is real: data-2's copy verifies again, and the event log says who repaired it.
        await using var client = await ConnectAsync(cancellationToken);
        var chunk = (await client.Metadata.GetChunksAsync(ino, 1, 1, cancellationToken)).Chunks.Single();
        var data2 = Refit.RestService.For<Contracts.Api.IDataServerApi>(new HttpClient { BaseAddress = Cluster.DataUrls[1] });
        Assert.True((await data2.GetDigestAsync(ChunkKey.FromId(chunk.ChunkId), chunk.Version, cancellationToken)).Intact);
        var events = await client.Metadata.GetEventsAsync(0, 1000, "repair.finished", cancellationToken);
        Assert.Contains(events.Events, e => e.ChunkId == chunk.ChunkId);
        Assert.Equal(data, await ReadAsync(client, ino, data.Length, cancellationToken));
    }

    [Fact(Timeout = 600_000)]
    public async Task A_read_finds_and_repairs_a_corrupted_replica_and_the_file_page_follows_by_itself()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (ino, data) = await WriteFileAsync("/demo2", "notes.bin", chunks: 2, seed: 2, cancellationToken);
        var page = await OpenAsync("/files/demo2/notes.bin");
        await Expect(page.Locator("[data-testid=chunk]")).ToHaveCountAsync(2);

        var replica = page.Locator("[data-testid=chunk][data-index='0'] [data-testid=replica][data-server=data-3]");
        await replica.Locator("[data-testid=corrupt]").ClickAsync();
        await ConfirmAsync(page, "Corrupt");
        await Expect(replica).ToHaveAttributeAsync("data-check", "Corrupt", new() { Timeout = 30_000 });

        // Someone reads the file: the quorum read notices the bad digest and read-repairs it.
        await using var client = await ConnectAsync(cancellationToken);
        Assert.Equal(data, await ReadAsync(client, ino, data.Length, cancellationToken));
        Assert.True(await client.WaitForRepairsAsync(TimeSpan.FromSeconds(60), cancellationToken), "the read repair did not finish");

        // The page reloads on the repair's events: the on-disk finding is gone and meta says Ok again.
        await Expect(replica).ToHaveAttributeAsync("data-check", string.Empty, new() { Timeout = 30_000 });
        await Expect(replica).ToHaveAttributeAsync("data-state", "Ok");
        await page.GotoAsync(new Uri(Cluster.WebUrl, "/events").ToString());
        await Expect(page.Locator("[data-testid=event][data-kind='repair.finished']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    [Fact(Timeout = 600_000)]
    public async Task Killing_a_server_shows_it_down_and_the_cluster_degraded_and_restoring_it_rebuilds_until_healthy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await WriteFileAsync("/photos", "album.bin", chunks: 8, seed: 3, cancellationToken);
        var page = await OpenAsync("/");
        var banner = page.Locator("[data-testid=health-banner]");
        await Expect(banner).ToHaveAttributeAsync("data-status", "Healthy", new() { Timeout = 60_000 });
        var card = page.Locator("[data-testid=server-card][data-server=data-2]");
        await Expect(card).ToHaveAttributeAsync("data-status", "Up");

        await card.Locator("[data-testid=kill]").ClickAsync();
        await ConfirmAsync(page, "Kill");
        await Expect(card).ToHaveAttributeAsync("data-status", "Killed", new() { Timeout = 30_000 });
        await Expect(banner).ToHaveAttributeAsync("data-status", "Degraded", new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-testid=counter][data-label=Under-replicated] [data-testid=counter-value]")).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });

        await card.Locator("[data-testid=restore]").ClickAsync();
        await ConfirmAsync(page, "Restore");
        var progress = card.Locator("[data-testid=rebuild-progress]");
        await Expect(progress).ToContainTextAsync("chunks", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(banner).ToHaveAttributeAsync("data-status", "Healthy", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(card).ToHaveAttributeAsync("data-status", "Up");

        // The card's progress comes with data-2's next heartbeat, which can follow meta's HEALTHY by a moment:
        // wait for it to say that every chunk was copied ("8 / 8 chunks · …").
        await Expect(progress).ToHaveTextAsync(new Regex(@"^([1-9][0-9]*) / \1 chunks"), new() { Timeout = 30_000 });
        output.WriteLine($"rebuild: {await progress.InnerTextAsync()}");

        // The whole story is in the event log, and the overview makes a good picture now.
        await ScreenshotAsync(page, "overview.png");
        await using var client = await ConnectAsync(cancellationToken);
        var kinds = (await client.Metadata.GetEventsAsync(0, 1000, null, cancellationToken)).Events.Select(e => e.Kind).ToList();
        Assert.Contains("process.killed", kinds);
        Assert.Contains(EventKinds.ServerDown, kinds);
        Assert.Contains("process.restored", kinds);
        Assert.Contains(EventKinds.ServerCameBackEmpty, kinds);
    }

    [Fact(Timeout = 600_000)]
    public async Task Names_with_spaces_and_percent_signs_open_from_the_directory_listing_and_the_breadcrumbs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await WriteFileAsync("/odd names", "100%41 sure #1.bin", chunks: 1, seed: 5, cancellationToken);
        var page = await OpenAsync("/files");

        await page.Locator("[data-testid=entry][data-name='odd names'] a").ClickAsync();
        var file = page.Locator("[data-testid=entry][data-name='100%41 sure #1.bin']");
        await Expect(file).ToBeVisibleAsync();
        await file.Locator("a").ClickAsync();

        await Expect(page.Locator("[data-testid=attributes]")).ToContainTextAsync("/odd names/100%41 sure #1.bin");
        await Expect(page.Locator("[data-testid=chunk]")).ToHaveCountAsync(1);
        Assert.EndsWith("/files/odd%20names/100%2541%20sure%20%231.bin", page.Url, StringComparison.Ordinal);

        await page.Locator("[data-testid=breadcrumbs]").GetByText("odd names").ClickAsync();
        await Expect(page.Locator("[data-testid=entry][data-name='100%41 sure #1.bin']")).ToBeVisibleAsync();
    }

    [Fact(Timeout = 600_000)]
    public async Task The_admin_token_appears_in_no_page_and_no_websocket_frame()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await WriteFileAsync("/secret", "plain.bin", chunks: 1, seed: 4, cancellationToken);
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        var frames = new List<string>();
        page.WebSocket += (_, socket) =>
        {
            socket.FrameReceived += (_, frame) => Record(frames, frame);
            socket.FrameSent += (_, frame) => Record(frames, frame);
        };

        var contents = new List<string>();
        foreach (var path in new[] { "/", "/files", "/files/secret", "/files/secret/plain.bin", "/events" })
        {
            await page.GotoAsync(new Uri(Cluster.WebUrl, path).ToString());
            await page.WaitForSelectorAsync("[data-testid=live-status]");
            await page.WaitForTimeoutAsync(1500);
            contents.Add(await page.ContentAsync());
        }

        // Open the dialogs that talk about the servers, and cancel them.
        await page.GotoAsync(Cluster.WebUrl.ToString());
        await page.Locator("[data-testid=server-card] [data-testid=kill]").First.ClickAsync();
        await ConfirmAsync(page, "Cancel");
        await page.WaitForTimeoutAsync(1500);
        contents.Add(await page.ContentAsync());

        Assert.NotEmpty(frames);
        lock (frames)
        {
            Assert.DoesNotContain(frames, f => f.Contains(Cluster.AdminToken, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(contents, c => c.Contains(Cluster.AdminToken, StringComparison.Ordinal));
        await context.CloseAsync();
    }

    private static void Record(List<string> frames, IWebSocketFrame frame)
    {
        lock (frames)
        {
            frames.Add(frame.Text ?? Encoding.Latin1.GetString(frame.Binary ?? []));
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>A screenshot without snackbars, tooltips or colour transitions in the way.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.Mouse.MoveAsync(1, 1);
        foreach (var close in await page.Locator(".mud-snackbar button").AllAsync())
        {
            await close.ClickAsync();
        }

        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath(name) });
    }

    /// <summary>Clicks a button of the confirmation dialog.</summary>
    private static Task ConfirmAsync(IPage page, string button) =>
        page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    private async Task<IPage> OpenAsync(string path)
    {
        var page = await _browser!.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        page.Console += (_, message) => output.WriteLine($"browser {message.Type}: {message.Text}");
        await page.GotoAsync(new Uri(Cluster.WebUrl, path).ToString());
        await page.WaitForSelectorAsync("[data-testid=live-status]", new() { Timeout = 30_000 });
        return page;
    }

    private Task<ReplicaFsClient> ConnectAsync(CancellationToken cancellationToken) =>
        ReplicaFsClient.ConnectAsync(new ReplicaFsClientOptions { MetaUrl = Cluster.MetaUrl, SessionName = "browser test" }, cancellationToken: cancellationToken);

    private async Task<(long Ino, byte[] Data)> WriteFileAsync(string directory, string name, int chunks, int seed, CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);
        await client.MakeDirectoryAsync(directory, cancellationToken: cancellationToken);
        var file = await client.CreateFileAsync($"{directory}/{name}", cancellationToken: cancellationToken);
        var data = new byte[(chunks * client.ChunkSize) - 1000];
        new Random(seed).NextBytes(data);
        await client.WriteAsync(file.Ino, 0, data, cancellationToken);
        return (file.Ino, data);
    }

    private static async Task<byte[]> ReadAsync(ReplicaFsClient client, long ino, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var read = await client.ReadAsync(ino, 0, buffer, cancellationToken);
        Assert.Equal(length, read);
        return buffer;
    }
}
