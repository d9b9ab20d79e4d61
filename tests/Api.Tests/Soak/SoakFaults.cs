using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Soak;

/// <summary>
/// Injects one random fault at a time into a running cluster, lets it last a few seconds, ends it, and waits until the
/// servers are back before the next: kill -9 of a data server (restarted with its data, or empty), the crash fault and
/// its restore, a corrupted replica, latency, a full disk, a cut-off (reset or silent), and kill -9 of the metadata
/// server. Rebuilds may still run when the next fault hits another server: then some reads are unavailable for a
/// while, which is allowed; wrong bytes never are.
/// </summary>
internal sealed class SoakFaults(TestCluster cluster, Random random, SoakCounters counters, Action<string> log)
{
    private static readonly string[] Kinds =
    [
        "kill-data", "kill-data-empty", "crash-restore", "corrupt", "latency", "disk-full", "cut-off-reset", "cut-off-silent", "kill-meta",
    ];

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(random.Next(3, 9)), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var kind = Kinds[random.Next(Kinds.Length)];
            var index = random.Next(cluster.DataServers.Count);
            var lasting = TimeSpan.FromSeconds(random.Next(3, 11));
            log($"{DateTime.UtcNow:HH:mm:ss} fault {kind} on {(kind == "kill-meta" ? "meta" : cluster.DataServers[index].Name)} for {lasting.TotalSeconds:0} s");
            await InjectAsync(kind, index, lasting);
            counters.Count(counters.Faults, kind);
            await cluster.WaitForDataServersUpAsync(timeout: TimeSpan.FromMinutes(2), cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Ends every injected fault and makes sure every server runs.</summary>
    public async Task EndAllAsync()
    {
        if (!cluster.Meta.IsRunning)
        {
            await cluster.StartMetaAsync(waitForDataServers: false);
        }

        for (var i = 0; i < cluster.DataServers.Count; i++)
        {
            if (!cluster.DataServers[i].Process.IsRunning)
            {
                await cluster.StartDataServerAsync(i, waitUntilUp: false);
            }

            var faults = cluster.FaultsApi(i);
            await faults.SetLatencyAsync(new LatencyFault(0));
            await faults.SetDiskFullAsync(new DiskFullFault(false));
            await faults.SetCutOffAsync(new CutOffFault(CutOffMode.Off));
            if ((await faults.GetFaultsAsync()).Crashed)
            {
                await faults.RestoreAsync();
            }
        }

        await cluster.WaitForDataServersUpAsync(timeout: TimeSpan.FromMinutes(2));
    }

    private async Task InjectAsync(string kind, int index, TimeSpan lasting)
    {
        var faults = cluster.FaultsApi(index);
        switch (kind)
        {
            case "kill-data":
            case "kill-data-empty":
                await cluster.KillDataServerAsync(index);
                await Task.Delay(lasting);
                await cluster.StartDataServerAsync(index, empty: kind == "kill-data-empty", waitUntilUp: false);
                break;
            case "crash-restore":
                await faults.CrashAsync();
                await Task.Delay(lasting);
                await faults.RestoreAsync();
                break;
            case "corrupt":
                var stored = await cluster.DataApi(index).ListChunksAsync(null, 10_000);
                var victims = stored.Chunks.Where(c => c.Length > 0).ToList();
                if (victims.Count > 0)
                {
                    var victim = victims[random.Next(victims.Count)];
                    await faults.CorruptAsync(new CorruptRequest(victim.Key, victim.Version, Count: 64));
                }

                break;
            case "latency":
                await faults.SetLatencyAsync(new LatencyFault(random.Next(500, 4000)));
                await Task.Delay(lasting);
                await faults.SetLatencyAsync(new LatencyFault(0));
                break;
            case "disk-full":
                await faults.SetDiskFullAsync(new DiskFullFault(true));
                await Task.Delay(lasting);
                await faults.SetDiskFullAsync(new DiskFullFault(false));
                break;
            case "cut-off-reset":
            case "cut-off-silent":
                await faults.SetCutOffAsync(new CutOffFault(kind == "cut-off-reset" ? CutOffMode.Reset : CutOffMode.Silent));
                await Task.Delay(lasting);
                await faults.SetCutOffAsync(new CutOffFault(CutOffMode.Off));
                break;
            default:
                await cluster.KillMetaAsync();
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(4, lasting.TotalSeconds)));
                await cluster.StartMetaAsync(waitForDataServers: false);
                break;
        }
    }
}
