using System.Diagnostics;
using Refit;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// A slow, a cut-off and a full data server under a quorum client (R = 3, Qr = Qw = 2), as a mount would see them:
/// every operation finishes within the client's timeouts, the two good servers decide, what the bad one missed is
/// recorded (stale replicas, events, its state at meta), and once the fault ends everything heals by itself: every
/// replica back to Ok with the committed bytes, garbage of files deleted meanwhile collected.
/// </summary>
public sealed class FaultyServerTests
{
    private const int ChunkSize = 64 * 1024;
    private const int Bad = 2;
    private static readonly TimeSpan DigestTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Longest any single client operation may take while a server misbehaves: the transfer timeout plus slack for a loaded machine.</summary>
    private static readonly TimeSpan OperationBound = TransferTimeout + TimeSpan.FromSeconds(5);

    private static readonly TimeSpan HealTimeout = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_slow_server_is_voted_around_and_catches_up_when_it_is_fast_again()
    {
        await using var cluster = await StartAsync();
        await using var client = await ConnectAsync(cluster);
        var before = await WriteNewFileAsync(client, "/slow-before", 16 * ChunkSize, 1);

        // A write returns after Qw acknowledgements; the third replica may still be catching up. Start from three copies.
        await WaitUntilHealedAsync(cluster, [before.Ino]);

        // Slower than the client's digest timeout: its answers never count in time.
        await Faults(cluster).SetLatencyAsync(new LatencyFault(3000), Ct);
        await ReadBackAsync(client, before);
        var during = await WriteNewFileAsync(client, "/slow-during", 16 * ChunkSize, 2);
        await ReadBackAsync(client, during);
        Assert.Equal(3000, (await Faults(cluster).GetFaultsAsync(Ct)).LatencyMs);

        await Faults(cluster).SetLatencyAsync(new LatencyFault(0), Ct);
        await WaitUntilHealedAsync(cluster, [before.Ino, during.Ino]);
        await using var strict = await ConnectAsync(cluster, readQuorum: 3);
        await ReadBackAsync(strict, during);
    }

    [Theory]
    [InlineData(CutOffMode.Silent)]
    [InlineData(CutOffMode.Reset)]
    public async Task A_cut_off_server_is_voted_around_marked_down_and_heals_when_reconnected(CutOffMode mode)
    {
        await using var cluster = await StartAsync();
        await using var client = await ConnectAsync(cluster);
        var kept = await WriteNewFileAsync(client, "/cut-kept", 8 * ChunkSize, 3);
        var deleted = await WriteNewFileAsync(client, "/cut-deleted", 8 * ChunkSize, 4);
        await WaitUntilHealedAsync(cluster, [kept.Ino, deleted.Ino]);
        var badId = await cluster.ServerIdAsync(Bad, Ct);

        await Faults(cluster).SetCutOffAsync(new CutOffFault(mode), Ct);
        await ReadBackAsync(client, kept);
        var during = await WriteNewFileAsync(client, "/cut-during", 8 * ChunkSize, 5);
        await Timed("unlink", () => client.UnlinkAsync(1, "cut-deleted", cancellationToken: Ct));
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetServerAsync(badId, Ct)).State == ServerState.Down,
            TimeSpan.FromSeconds(30), "meta to mark the cut-off server down", Ct);
        var stale = (await cluster.MetaApi.GetChunksAsync(during.Ino, cancellationToken: Ct)).Chunks
            .Select(c => c.Replicas.Single(r => r.ServerId == badId).State).ToList();
        Assert.All(stale, s => Assert.NotEqual(ReplicaState.Ok, s));

        await Faults(cluster).SetCutOffAsync(new CutOffFault(CutOffMode.Off), Ct);
        await cluster.WaitForDataServersUpAsync([Bad], TimeSpan.FromSeconds(30), Ct);
        await WaitUntilHealedAsync(cluster, [kept.Ino, during.Ino]);

        // The deleted file's chunks went from the servers that were there, and from the cut-off one once it was back.
        var gone = deleted.ChunkKeys;
        await cluster.WaitUntilAsync(
            async () =>
            {
                foreach (var index in Enumerable.Range(0, cluster.DataServers.Count))
                {
                    var listed = await cluster.DataApi(index).ListChunksAsync(null, 10_000, Ct);
                    if (listed.Chunks.Any(c => gone.Contains(c.Key)))
                    {
                        await Admin(cluster, index).StartGarbageCollectionAsync(Ct);
                        return false;
                    }
                }

                return true;
            },
            HealTimeout, "the deleted file's chunks to be collected everywhere", Ct);
    }

    [Fact]
    public async Task The_injected_disk_full_fault_refuses_writes_with_ENOSPC_records_it_and_heals()
    {
        await using var cluster = await StartAsync();
        await using var client = await ConnectAsync(cluster);
        var badId = await cluster.ServerIdAsync(Bad, Ct);
        var lastEvent = (await cluster.MetaApi.GetEventsAsync(0, 1, cancellationToken: Ct)).LastId;

        await Faults(cluster).SetDiskFullAsync(new DiskFullFault(true), Ct);
        var file = await WriteNewFileAsync(client, "/injected-full", 8 * ChunkSize, 6);
        await ReadBackAsync(client, file);
        await AssertFullRecordedAsync(cluster, badId, file.Ino, lastEvent);
        Assert.NotNull((await Faults(cluster).GetFaultsAsync(Ct)).NoSpaceSince);

        // A direct PUT says exactly why, and stores nothing.
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.DataServers[Bad].Url, "/api/chunks/fullcheck?version=1"))
        {
            Content = new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new(ChunkHeaders.OctetStream) } },
        };
        put.Headers.Add(ChunkHeaders.Checksum, ChunkChecksum.Format(ChunkChecksum.Compute([1, 2, 3])));
        using var refused = await cluster.Http.SendAsync(put, Ct);
        Assert.Equal(507, (int)refused.StatusCode);
        Assert.Contains("\"code\":\"ENOSPC\"", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await Faults(cluster).SetDiskFullAsync(new DiskFullFault(false), Ct);
        await WaitUntilHealedAsync(cluster, [file.Ino]);
        await WaitForEventAsync(cluster, EventKinds.DiskWritable, badId, lastEvent);
        await AssertNoDamageAsync(cluster.DataServers[Bad].DataDir);
    }

    [Fact]
    public async Task A_really_full_disk_refuses_writes_with_ENOSPC_keeps_every_chunk_whole_and_heals_when_space_returns()
    {
        await using var cluster = await StartAsync();
        var dataDir = cluster.DataServers[Bad].DataDir;
        await cluster.StopDataServerAsync(Bad);
        Directory.Delete(dataDir, recursive: true);
        Directory.CreateDirectory(dataDir);
        if (!await MountAsync($"-t tmpfs -o size=1m tmpfs {dataDir}"))
        {
            Assert.Skip("Mounting a tmpfs needs root (CI runs as root).");
        }

        try
        {
            await cluster.StartDataServerAsync(Bad, cancellationToken: Ct);
            await using var client = await ConnectAsync(cluster);
            var badId = await cluster.ServerIdAsync(Bad, Ct);
            var lastEvent = (await cluster.MetaApi.GetEventsAsync(0, 1, cancellationToken: Ct)).LastId;

            // 2 MiB of chunks onto a 1 MiB file system: it fills up part way through.
            var file = await WriteNewFileAsync(client, "/really-full", 32 * ChunkSize, 7);
            await ReadBackAsync(client, file);
            await AssertFullRecordedAsync(cluster, badId, file.Ino, lastEvent);
            await AssertNoDamageAsync(dataDir);

            // Near the limit, writes that fail free their room for others: "full" comes and goes, the refusals add up.
            Assert.True(await cluster.DataMetricAsync(Bad, "replicafs_data_no_space_refusals", Ct) > 0);

            // Space comes back: the server catches up on everything it missed.
            Assert.True(await MountAsync($"-o remount,size=64m {dataDir}"), "remount with more space failed");
            await Admin(cluster, Bad).StartRebuildAsync(Ct);
            await WaitUntilHealedAsync(cluster, [file.Ino]);
            await WaitForEventAsync(cluster, EventKinds.DiskWritable, badId, lastEvent);
            await AssertNoDamageAsync(dataDir);
            Assert.Equal(0, await cluster.DataMetricAsync(Bad, "replicafs_data_disk_full", Ct));
        }
        finally
        {
            await cluster.KillDataServerAsync(Bad);
            await MountAsync($"-l {dataDir}", "umount");
        }
    }

    private static async Task AssertFullRecordedAsync(TestCluster cluster, int badId, long ino, long lastEvent)
    {
        // Its replicas missed the writes and say why; the server said it is full; its fault state says since when.
        var chunks = (await cluster.MetaApi.GetChunksAsync(ino, cancellationToken: Ct)).Chunks;
        Assert.Contains(chunks, c => c.Replicas.Single(r => r.ServerId == badId).State != ReplicaState.Ok);
        var stale = await cluster.MetaApi.GetEventsAsync(lastEvent, 1000, EventKinds.ReplicaStale, Ct);
        Assert.Contains(stale.Events, e => e.ServerId == badId && e.Message.Contains("507: The data directory is full", StringComparison.Ordinal));
        await WaitForEventAsync(cluster, EventKinds.DiskFull, badId, lastEvent);
    }

    private static async Task WaitForEventAsync(TestCluster cluster, string kind, int serverId, long after) =>
        await cluster.WaitUntilAsync(
            async () => (await cluster.MetaApi.GetEventsAsync(after, 1000, kind, Ct)).Events.Any(e => e.ServerId == serverId),
            TimeSpan.FromSeconds(30), $"a {kind} event from server {serverId}", Ct);

    /// <summary>Every chunk file on disk verifies block by block and nothing was left half-written.</summary>
    private static async Task AssertNoDamageAsync(string dataDir)
    {
        // A PUT the write quorum did not wait for may still be writing its temp file when the client has moved on; it
        // ends within moments, renamed into place or removed. A temp file still there after that is a leftover.
        var check = ChunkDirectoryCheck.Verify(dataDir);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (check.TempFiles > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, Ct);
            check = ChunkDirectoryCheck.Verify(dataDir);
        }

        Assert.True(check.Problems.Count == 0, string.Join('\n', check.Problems));
        Assert.Equal(0, check.TempFiles);
        Assert.Equal(0, check.Quarantined);
    }

    /// <summary>Waits until every chunk of the files has all its replicas Ok, each holding the committed bytes.</summary>
    private static async Task WaitUntilHealedAsync(TestCluster cluster, IReadOnlyList<long> files)
    {
        var check = new NamespaceCheck(cluster.MetaApi, url => RestService.For<IDataServerApi>(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) }));
        var state = "not checked";
        try
        {
            await cluster.WaitUntilAsync(
            async () =>
            {
                var notOk = new List<string>();
                foreach (var ino in files)
                {
                    foreach (var chunk in (await cluster.MetaApi.GetChunksAsync(ino, cancellationToken: Ct)).Chunks)
                    {
                        notOk.AddRange(chunk.Replicas.Where(r => r.State != ReplicaState.Ok).Select(r => $"{ino}/{chunk.Index}@{r.ServerId}:{r.State}"));
                    }
                }

                var report = await check.RunAsync(Ct);
                state = $"{notOk.Count} replicas not Ok ({string.Join(", ", notOk.Take(5))}); {report}";
                return notOk.Count == 0 && report.Problems.Count == 0;
            },
            HealTimeout, "every replica to heal", Ct);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Last state: {state}", ex);
        }
    }

    private static async Task<WrittenFile> WriteNewFileAsync(ReplicaFsClient client, string path, int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        var file = await Timed($"create {path}", () => client.CreateFileAsync(path, cancellationToken: Ct));
        await Timed($"write {path}", () => client.WriteAsync(file.Ino, 0, data, Ct));
        var map = await client.Metadata.GetChunksAsync(file.Ino, cancellationToken: Ct);
        return new WrittenFile(file.Ino, data, [.. map.Chunks.Select(c => ChunkKey.FromId(c.ChunkId))]);
    }

    private static async Task ReadBackAsync(ReplicaFsClient client, WrittenFile file)
    {
        var read = new byte[file.Data.Length];
        var count = await Timed($"read {file.Ino}", () => client.ReadAsync(file.Ino, 0, read, Ct));
        Assert.Equal(file.Data.Length, count);
        Assert.True(file.Data.AsSpan().SequenceEqual(read), $"File {file.Ino} read back wrong bytes.");
    }

    private static async Task Timed(string what, Func<Task> operation) => await Timed(what, async () =>
    {
        await operation();
        return 0;
    });

    private static async Task<T> Timed<T>(string what, Func<Task<T>> operation)
    {
        var clock = Stopwatch.StartNew();
        var result = await operation();
        Assert.True(clock.Elapsed < OperationBound, $"{what} took {clock.Elapsed.TotalSeconds:0.0} s, beyond {OperationBound.TotalSeconds} s.");
        return result;
    }

    private static Task<TestCluster> StartAsync() =>
        TestCluster.StartAsync(
            new ClusterOptions
            {
                DataServers = 3,
                Replicas = 3,
                ChunkSize = ChunkSize,
                ExtraMetaArguments = ["--garbage-grace-seconds", "2"],
                ExtraDataArguments = ["--assignment-interval-ms", "500", "--gc-interval-ms", "1000", "--scrub-rate", "0"],
            },
            Ct);

    private static Task<ReplicaFsClient> ConnectAsync(TestCluster cluster, int readQuorum = 2) =>
        ReplicaFsClient.ConnectAsync(
            new ReplicaFsClientOptions
            {
                MetaUrl = cluster.MetaUrl,
                ReadQuorum = readQuorum,
                WriteQuorum = 2,
                DigestTimeout = DigestTimeout,
                TransferTimeout = TransferTimeout,
                LateAckWindow = TimeSpan.FromSeconds(1),
                MetaTimeout = TimeSpan.FromSeconds(10),
                DrainTimeout = TimeSpan.FromSeconds(2),
            },
            cancellationToken: Ct);

    private static IDataFaultsApi Faults(TestCluster cluster) => cluster.FaultsApi(Bad);

    private static IDataAdminApi Admin(TestCluster cluster, int index) =>
        RestService.For<IDataAdminApi>(
            new HttpClient { BaseAddress = cluster.DataServers[index].Url, Timeout = TimeSpan.FromSeconds(30) },
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(cluster.Options.AdminToken) });

    private static async Task<bool> MountAsync(string arguments, string command = "mount")
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments.Split(' '))
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private sealed record WrittenFile(long Ino, byte[] Data, HashSet<string> ChunkKeys);
}
