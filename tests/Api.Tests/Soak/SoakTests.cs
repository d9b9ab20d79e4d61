using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Refit;
using ReplicaFs.Api.Tests.Meta;
using ReplicaFs.Api.Tests.Reliability;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Soak;

/// <summary>
/// The soak: a bounded mixed workload of several quorum clients on a real cluster while random faults come and go,
/// then everything healed and checked. Not part of the default test run (explicit): <c>bench/soak.sh</c> runs it.
/// Settings: <c>REPLICAFS_SOAK_MINUTES</c> (default 10), <c>REPLICAFS_SOAK_SEED</c> (default 1),
/// <c>REPLICAFS_SOAK_REPORT</c> (directory for report.md and report.json; default bench/results/soak-UTC).
/// Passes only with zero wrong bytes served and zero acknowledged operations lost.
/// </summary>
public sealed class SoakTests
{
    private const int Workers = 4;
    private const int ChunkSize = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task A_mixed_workload_under_random_faults_serves_no_wrong_byte_and_loses_no_acknowledged_operation()
    {
        var minutes = Setting("REPLICAFS_SOAK_MINUTES", 10.0);
        var seed = (int)Setting("REPLICAFS_SOAK_SEED", 1.0);
        var reportDirectory = Environment.GetEnvironmentVariable("REPLICAFS_SOAK_REPORT") is { Length: > 0 } given
            ? given
            : Path.Combine(RepositoryPaths.Root, "bench", "results", $"soak-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}");
        Directory.CreateDirectory(reportDirectory);
        var log = new StringBuilder();
        void Log(string line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }

            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        await using var cluster = await TestCluster.StartAsync(
            new ClusterOptions
            {
                DataServers = 4,
                Replicas = 3,
                ChunkSize = ChunkSize,
                HeartbeatInterval = TimeSpan.FromMilliseconds(300),
                HeartbeatTimeout = TimeSpan.FromSeconds(3),
                ExtraMetaArguments = ["--garbage-grace-seconds", "5", "--rereplicate-after-seconds", "30"],
                ExtraDataArguments = ["--assignment-interval-ms", "500", "--gc-interval-ms", "2000", "--scrub-pause-ms", "20000", "--scrub-rate", "50"],
            },
            Ct);
        var counters = new SoakCounters();
        var workers = new List<SoakWorker>();
        for (var i = 0; i < Workers; i++)
        {
            var client = await ConnectAsync(cluster);
            var home = await client.MakeDirectoryAsync(1, $"soak-{i}", cancellationToken: Ct);
            var left = await client.MakeDirectoryAsync(home.Ino, "left", cancellationToken: Ct);
            var right = await client.MakeDirectoryAsync(home.Ino, "right", cancellationToken: Ct);
            workers.Add(new SoakWorker(client, (seed * 100) + i, left.Ino, right.Ino, counters));
        }

        var faults = new SoakFaults(cluster, new Random(seed), counters, Log);
        var clock = Stopwatch.StartNew();
        using (var stop = new CancellationTokenSource(TimeSpan.FromMinutes(minutes)))
        {
            var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token), Ct)).Append(Task.Run(() => faults.RunAsync(stop.Token), Ct)).ToList();
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromMinutes(minutes + 10), Ct);
        }

        var workload = clock.Elapsed;
        Log($"{DateTime.UtcNow:HH:mm:ss} workload over after {workload.TotalMinutes:0.0} min; ending every fault and waiting for the cluster to heal");
        await faults.EndAllAsync();

        // Heal, then check everything: every acknowledged operation, every byte, the namespace, every replica, the garbage.
        var healClock = Stopwatch.StartNew();
        var check = new NamespaceCheck(cluster.MetaApi, url => RestService.For<IDataServerApi>(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) }));
        var report = await WaitUntilHealedAsync(cluster, check);
        var healed = healClock.Elapsed;
        foreach (var worker in workers)
        {
            await worker.VerifyAllAsync(Ct);
            await worker.DisposeAsync();
        }

        NamespaceConsistency.Check(cluster);
        var garbageOk = true;
        int committed;
        try
        {
            committed = await ClusterConvergence.WaitForGarbageCollectionAsync(cluster, TimeSpan.FromMinutes(3), Ct);
        }
        catch (TimeoutException ex)
        {
            garbageOk = false;
            committed = -1;
            Log(ex.Message);
        }

        var events = await EventCountsAsync(cluster.MetaApi);
        var health = await cluster.MetaApi.GetHealthAsync(Ct);
        var result = new SoakResult(
            seed,
            minutes,
            workload.TotalSeconds,
            healed.TotalSeconds,
            new SortedDictionary<string, long>(counters.Acknowledged, StringComparer.Ordinal),
            new SortedDictionary<string, long>(counters.Failed, StringComparer.Ordinal),
            new SortedDictionary<string, long>(counters.FailedButApplied, StringComparer.Ordinal),
            new SortedDictionary<string, long>(counters.Faults, StringComparer.Ordinal),
            events.GetValueOrDefault(EventKinds.RepairFinished),
            counters.ReadsVerified,
            counters.BytesVerified,
            report.BytesVerified,
            counters.WrongBytes,
            [.. counters.Violations],
            report.Problems,
            garbageOk,
            committed,
            health.Status.ToString(),
            new SortedDictionary<string, long>(events, StringComparer.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(reportDirectory, "report.json"), JsonSerializer.Serialize(result, JsonOptions), Ct);
        await File.WriteAllTextAsync(Path.Combine(reportDirectory, "report.md"), result.ToMarkdown(), Ct);
        await File.WriteAllTextAsync(Path.Combine(reportDirectory, "faults.log"), log.ToString(), Ct);
        Log(result.ToMarkdown());
        Log($"Report written to {reportDirectory}.");

        Assert.Equal(0, result.WrongBytes);
        Assert.True(result.Violations.Count == 0, string.Join('\n', result.Violations.Take(10)));
        Assert.True(result.FinalProblems.Count == 0, string.Join('\n', result.FinalProblems.Take(10)));
        Assert.True(garbageOk, "Garbage was not collected after the soak.");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static async Task<NamespaceCheck.Report> WaitUntilHealedAsync(TestCluster cluster, NamespaceCheck check)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            for (var i = 0; i < cluster.DataServers.Count; i++)
            {
                await ClusterConvergence.Admin(cluster, i).StartRebuildAsync(Ct);
            }

            var report = await check.RunAsync(Ct);
            var health = await cluster.MetaApi.GetHealthAsync(Ct);
            if ((report.Problems.Count == 0 && health.Status == HealthStatus.Healthy) || DateTime.UtcNow > deadline)
            {
                return report;
            }

            await Task.Delay(2000, Ct);
        }
    }

    private static async Task<Dictionary<string, long>> EventCountsAsync(IMetadataApi meta)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await meta.GetEventsAsync(after, 1000, cancellationToken: Ct);
            foreach (var e in page.Events)
            {
                counts[e.Kind] = counts.GetValueOrDefault(e.Kind) + 1;
            }

            if (page.Events.Count == 0 || page.Events[^1].Id >= page.LastId)
            {
                return counts;
            }

            after = page.Events[^1].Id;
        }
    }

    private static Task<ReplicaFsClient> ConnectAsync(TestCluster cluster) =>
        ReplicaFsClient.ConnectAsync(
            new ReplicaFsClientOptions
            {
                MetaUrl = cluster.MetaUrl,
                ReadQuorum = 2,
                WriteQuorum = 2,
                DigestTimeout = TimeSpan.FromSeconds(3),
                TransferTimeout = TimeSpan.FromSeconds(10),
                LateAckWindow = TimeSpan.FromSeconds(2),
                MetaTimeout = TimeSpan.FromSeconds(10),
                DrainTimeout = TimeSpan.FromSeconds(5),
            },
            cancellationToken: Ct);

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
