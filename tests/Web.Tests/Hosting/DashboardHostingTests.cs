using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ReplicaFs.Testing;

namespace ReplicaFs.Web.Tests.Hosting;

/// <summary>The dashboard run from its build output in Production: static assets, remote mode, the command line.</summary>
public sealed partial class DashboardHostingTests(ITestOutputHelper output)
{
    private const string AdminToken = "remote-admin-token-never-in-a-page-4711";

    [Fact(Timeout = 180_000)]
    public async Task From_the_build_output_in_Production_every_asset_the_page_links_is_served()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // No metadata server needed: the page and its assets do not depend on it.
        await using var dashboard = await DashboardProcess.StartAsync(new Uri($"http://127.0.0.1:{FreePorts.Next()}"), AdminToken, cancellationToken);
        using var http = new HttpClient { BaseAddress = dashboard.Url, Timeout = TimeSpan.FromSeconds(30) };

        var page = await http.GetStringAsync("/", cancellationToken);
        Assert.Contains("Hosting environment: Production", dashboard.Output, StringComparison.Ordinal);

        // Every stylesheet, icon, script and import-map entry the page refers to (fingerprinted names included).
        var assets = AssetReference().Matches(page).Select(m => m.Groups["url"].Value)
            .Concat(ImportMapEntry().Matches(page).Select(m => m.Groups["url"].Value.TrimStart('.')))
            .Select(u => "/" + u.TrimStart('/'))
            .Append("/_framework/blazor.web.js")
            .Distinct()
            .ToList();
        Assert.Contains(assets, a => a.StartsWith("/_framework/blazor.web.", StringComparison.Ordinal) && a != "/_framework/blazor.web.js");
        Assert.Contains(assets, a => a.StartsWith("/_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await http.GetAsync(asset, cancellationToken);
            output.WriteLine($"{asset} -> {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentLength > 0, $"{asset} is empty");
        }

        using var script = await http.GetAsync("/_framework/blazor.web.js", cancellationToken);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 180_000)]
    public async Task In_remote_mode_there_is_no_supervisor_api_and_the_admin_token_stays_on_the_server()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(new Uri($"http://127.0.0.1:{FreePorts.Next()}"), AdminToken, cancellationToken);
        using var http = new HttpClient { BaseAddress = dashboard.Url, Timeout = TimeSpan.FromSeconds(30) };

        using var api = await http.GetAsync("/api/supervisor/processes", cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        foreach (var path in new[] { "/", "/files", "/events", "/not-found" })
        {
            var body = await (await http.GetAsync(path, cancellationToken)).Content.ReadAsStringAsync(cancellationToken);
            Assert.DoesNotContain(AdminToken, body, StringComparison.Ordinal);
        }

        // Only loopback is bound.
        Assert.Contains($"Now listening on: {dashboard.Url.ToString().TrimEnd('/')}", dashboard.Output, StringComparison.Ordinal);
    }

    [Theory(Timeout = 120_000)]
    [InlineData(new string[0], "--meta URL is required")]
    [InlineData(new[] { "--meta", "ftp://x" }, "is not an absolute http:// or https:// URL")]
    [InlineData(new[] { "--meta", "http://127.0.0.1:1", "--port", "0" }, "--port must be between 1 and 65535")]
    [InlineData(new[] { "--meta", "http://127.0.0.1:1", "--port", "abc" }, "Cannot parse argument 'abc' for option '--port'")]
    [InlineData(new[] { "supervise", "--api", "/nonexistent.dll", "--state-dir", "/nonexistent-state" }, "REPLICAFS_ADMIN_TOKEN is not set")]
    public async Task Bad_command_lines_are_refused_with_a_message(string[] arguments, string message)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepositoryPaths.WebDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("REPLICAFS_ADMIN_TOKEN");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(message, await stdout + await stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", await stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:href|src)=""(?<url>(?!https?:)[^""]+\.(?:css|js|svg))""")]
    private static partial Regex AssetReference();

    [GeneratedRegex(@""":\s*""(?<url>\./[^""]+\.js)""")]
    private static partial Regex ImportMapEntry();
}
