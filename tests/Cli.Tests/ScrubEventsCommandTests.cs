using System.Text.Json;
using ReplicaFs.Cli.Tests.Support;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Cli.Tests;

/// <summary><c>scrub</c> (on demand, with progress and findings) and <c>events</c> (tail, filters, JSON, --follow).</summary>
public sealed class ScrubEventsCommandTests(CliClusterFixture fixture) : IClassFixture<CliClusterFixture>
{
    private readonly CliCluster _cli = fixture.Cli;

    [Fact]
    public async Task Scrub_finds_a_corrupted_replica_exits_1_the_server_repairs_it_and_the_next_scrub_is_clean()
    {
        await using (var client = await _cli.ConnectAsync())
        {
            await CliCluster.WriteFileAsync(client, "/scrub/s.bin", CliCluster.Bytes(600_000, 51));
        }

        Assert.Equal(0, (await _cli.RunAsync("corrupt", "/scrub/s.bin", "--server", "data-1", "--chunk", "2")).ExitCode);

        var scrub = await _cli.RunAsync("scrub", "data-1");
        Assert.True(scrub.ExitCode == 1, scrub.ToString());
        Assert.Matches(@"(?m)^  SERVER\s+CHUNK VERSIONS\s+BYTES\s+CORRUPT\s+TOOK\n  data-1\s+(\d+)/\1\s+\S+ \S+\s+1\s", scrub.Stdout);
        Assert.Contains("Findings:", scrub.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+\d+\s+\S+\s+(WARN |ERROR)\s+scrub\.finding\s+data-1: ", scrub.Stdout);
        Assert.Contains("1 corrupt chunk version(s) found.", scrub.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Scrubbing data-1 \(http://127\.0\.0\.1:\d+\): \d+ chunk versions\.", scrub.Stderr);
        Assert.Contains("Scrub: ", scrub.Stderr, StringComparison.Ordinal);

        // The server reports the finding to meta and repairs its replica from a peer.
        await _cli.WaitForCleanFsckAsync();
        var repairs = await _cli.RunAsync("events", "--kind", "repair.finished", "--json");
        Assert.True(repairs.ExitCode == 0, repairs.ToString());
        Assert.Contains(repairs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => JsonDocument.Parse(line).RootElement.GetProperty("source").GetString() == "data-1");

        var clean = await _cli.RunAsync("scrub", "--json");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        using var json = JsonDocument.Parse(clean.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("corruptFound").GetInt64());
        Assert.Equal(["data-1", "data-2", "data-3"], json.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Scrub_skips_servers_that_are_not_up_and_refuses_unknown_ones()
    {
        await _cli.WaitForHealthAsync(HealthStatus.Healthy);
        var unknown = await _cli.RunAsync("scrub", "data-5");
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("No data server is named 'data-5'", unknown.Stderr, StringComparison.Ordinal);

        await _cli.Cluster.KillDataServerAsync(2);
        try
        {
            await _cli.WaitForServerAsync("data-3", ServerState.Down);
            var scrub = await _cli.RunAsync("scrub");
            Assert.True(scrub.ExitCode == 0, scrub.ToString());
            Assert.Contains("Skipping data-3 (", scrub.Stderr, StringComparison.Ordinal);
            Assert.Contains("Every chunk version on data-1, data-2 hashes to its recorded checksum.", scrub.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await _cli.Cluster.StartDataServerAsync(2, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Events_prints_the_newest_filters_by_kind_and_id_and_speaks_json()
    {
        var ct = TestContext.Current.CancellationToken;
        // The test may run first, on a cluster whose log holds fewer than five events so far.
        for (var i = 0; i < 5; i++)
        {
            await _cli.Cluster.MetaApi.AddEventAsync(new NewEvent("test.filler", EventSeverity.Info, $"filler event {i}", "cli-tests"), ct);
        }

        var tail = await _cli.RunAsync("events", "--limit", "5");
        Assert.True(tail.ExitCode == 0, tail.ToString());
        var lines = tail.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\s*\d+  \d\d:\d\d:\d\d\.\d{3}Z  (info |WARN |ERROR)  \S+\s+\S+: ", l));

        var registered = await _cli.RunAsync("events", "--kind", "server.registered", "--since", "0", "--json");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        var events = registered.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(events.Count >= 3, registered.Stdout);
        Assert.All(events, e => Assert.Equal("server.registered", e.GetProperty("kind").GetString()));
        Assert.Equal(events.Select(e => e.GetProperty("id").GetInt64()).Order(), events.Select(e => e.GetProperty("id").GetInt64()));

        var first = events[0].GetProperty("id").GetInt64();
        var after = await _cli.RunAsync("events", "--since", first.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", "2", "--json");
        var ids = after.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.True(id > first));

        var bad = await _cli.RunAsync("events", "--limit", "0");
        Assert.Equal(4, bad.ExitCode);
        Assert.Contains("--limit must be at least 1.", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_follow_prints_new_events_as_they_come_until_interrupted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var follow = _cli.RunAsync(["events", "--follow", "--kind", "test.", "--interval", "0.2"], withAdminToken: false, interrupt.Token);

        await Task.Delay(1000, ct);
        await _cli.Cluster.MetaApi.AddEventAsync(new NewEvent("test.one", EventSeverity.Info, "the first followed event", "cli-tests"), ct);
        await _cli.Cluster.MetaApi.AddEventAsync(new NewEvent("test.two", EventSeverity.Warning, "the second followed event", "cli-tests"), ct);
        await Task.Delay(2000, ct);
        await interrupt.CancelAsync();
        var result = await follow;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^\s*\d+  \S+  info   test\.one\s+cli-tests: the first followed event$", result.Stdout);
        Assert.Matches(@"(?m)^\s*\d+  \S+  WARN   test\.two\s+cli-tests: the second followed event$", result.Stdout);
        Assert.Contains("Following the event log of", result.Stderr, StringComparison.Ordinal);
    }
}
