using System.Globalization;
using Refit;
using ReplicaFs.Api.Tests.Meta;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Reliability;

/// <summary>
/// The metadata server killed with SIGKILL in a storm of creates, writes, truncates, renames, links, unlinks, mkdirs and
/// rmdirs by several quorum clients, then restarted, in rounds: every acknowledged operation is there (the one in flight
/// per client either fully or not at all), every file reads back byte for byte, the namespace is consistent (checked
/// through the REST API the way fsck does, in SQL, and with the operator's own <c>fsck</c>), every committed chunk is on its Ok replicas with its checksum,
/// and in the end the data servers hold exactly the committed versions: chunks of deleted files, superseded versions
/// and versions written but never committed (the writes in flight at the kill) are all collected.
/// Rounds: <c>REPLICAFS_META_CRASH_ROUNDS</c> (default 2); seeded.
/// </summary>
public sealed class MetadataCrashTests
{
    private const int Workers = 5;
    private const int AcknowledgedPerRound = 250;
    private const int ChunkSize = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("REPLICAFS_META_CRASH_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) && rounds > 0 ? rounds : 2;

    [Fact]
    public async Task Kill_9_of_meta_in_a_storm_loses_nothing_acknowledged_and_leaves_a_consistent_cluster()
    {
        await using var cluster = await TestCluster.StartAsync(
            new ClusterOptions
            {
                DataServers = 3,
                Replicas = 3,
                ChunkSize = ChunkSize,
                ExtraMetaArguments = ["--garbage-grace-seconds", "2"],
                ExtraDataArguments = ["--gc-interval-ms", "1000", "--assignment-interval-ms", "500", "--scrub-rate", "0"],
            },
            Ct);
        var everyone = new List<StormWorker>();
        for (var round = 0; round < Rounds; round++)
        {
            var killed = false;
            var workers = new List<StormWorker>();
            for (var i = 0; i < Workers; i++)
            {
                var client = await ConnectAsync(cluster);
                var home = await client.MakeDirectoryAsync(1, $"storm-{round}-{i}", cancellationToken: Ct);
                var left = await client.MakeDirectoryAsync(home.Ino, "left", cancellationToken: Ct);
                var right = await client.MakeDirectoryAsync(home.Ino, "right", cancellationToken: Ct);
                workers.Add(new StormWorker(client, (round * 100) + i, left.Ino, right.Ino, () => Volatile.Read(ref killed)));
            }

            using var stop = new CancellationTokenSource();
            var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token), Ct)).ToList();
            var deadline = DateTime.UtcNow.AddSeconds(180);
            while (workers.Sum(w => w.Acknowledged) < AcknowledgedPerRound)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Only {workers.Sum(w => w.Acknowledged)} operations in 180 s.");
                Assert.All(workers, w => Assert.Null(w.Failure));
                await Task.Delay(20, Ct);
            }

            Volatile.Write(ref killed, true);
            await cluster.KillMetaAsync();
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(90), Ct);
            await stop.CancelAsync();
            Assert.All(workers, w => Assert.Null(w.Failure));
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            await cluster.StartMetaAsync(cancellationToken: Ct);
            everyone.AddRange(workers);
            await using (var reader = await ConnectAsync(cluster))
            {
                // Every client's acknowledged work, from every round so far.
                foreach (var worker in everyone)
                {
                    var actual = await FileTreeModel.ReadBackAsync(reader, [worker.Left, worker.Right], worker.DirName, Ct);
                    var expected = worker.Model.Describe(worker.DirName);
                    var withInFlight = worker.InFlightModel?.Describe(worker.DirName);
                    Assert.True(
                        actual.SetEquals(expected) || (withInFlight is not null && actual.SetEquals(withInFlight)),
                        $"Worker {worker.Seed} after round {round}: the cluster holds\n  {string.Join("\n  ", actual)}\nbut the acknowledged operations give\n  {string.Join("\n  ", expected)}" +
                        (withInFlight is null ? string.Empty : $"\nor, with '{worker.InFlight}' applied,\n  {string.Join("\n  ", withInFlight)}"));
                }
            }

            NamespaceConsistency.Check(cluster);
            var report = await new NamespaceCheck(cluster.MetaApi, DataServer).RunAsync(Ct);
            Assert.True(report.Problems.Count == 0, $"Round {round}: {report}");

            // The operator's fsck agrees: every file is readable with Qr = 2 (a replica that missed the write in flight may still be catching up).
            var (fsck, fsckOutput) = await OperatorFsck.RunAsync(cluster, 2, Ct);
            Assert.True(fsck is 0 or 1, $"Round {round}: fsck exited {fsck}:\n{fsckOutput}");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"round {round}: {workers.Sum(w => w.Acknowledged)} operations acknowledged before the kill ({string.Join(", ", workers.Select(w => w.InFlight ?? "none"))} in flight); {report}");
        }

        var committed = await ClusterConvergence.WaitForGarbageCollectionAsync(cluster, TimeSpan.FromSeconds(120), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"Garbage collected: the data servers hold exactly the {committed} committed replicas.");

        // Healed: fsck finds every replica of every chunk good.
        var (exitCode, output) = await OperatorFsck.RunAsync(cluster, 2, Ct);
        Assert.True(exitCode == 0, $"fsck exited {exitCode}:\n{output}");
    }

    private static IDataServerApi DataServer(string url) =>
        RestService.For<IDataServerApi>(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) });

    private static Task<ReplicaFsClient> ConnectAsync(TestCluster cluster) =>
        ReplicaFsClient.ConnectAsync(
            new ReplicaFsClientOptions
            {
                MetaUrl = cluster.MetaUrl,
                ReadQuorum = 2,
                WriteQuorum = 2,
                MetaTimeout = TimeSpan.FromSeconds(10),
                DrainTimeout = TimeSpan.FromSeconds(2),
            },
            cancellationToken: Ct);

    /// <summary>One client: its own two directories, a seeded random walk of valid operations, and a model of what was acknowledged.</summary>
    private sealed class StormWorker(ReplicaFsClient client, int seed, long left, long right, Func<bool> metaKilled) : IAsyncDisposable
    {
        private readonly Random _random = new(seed);
        private int _next;
        private (string Description, Action<FileTreeModel> Apply)? _inFlight;

        public int Seed => seed;

        public long Left => left;

        public long Right => right;

        public FileTreeModel Model { get; } = new();

        public int Acknowledged { get; private set; }

        public string? Failure { get; private set; }

        public string? InFlight => _inFlight?.Description;

        public FileTreeModel? InFlightModel
        {
            get
            {
                if (_inFlight is not { } inFlight)
                {
                    return null;
                }

                var copy = Model.Copy();
                inFlight.Apply(copy);
                return copy;
            }
        }

        public string DirName(long dir) => dir == left ? "left" : "right";

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var (description, call, apply) = Next();
                _inFlight = (description, m => apply(m, 0));
                long result;
                try
                {
                    result = await call();
                }
                catch (Exception) when (metaKilled())
                {
                    // The metadata server died with this operation in flight: it may or may not have been applied.
                    return;
                }
                catch (Exception ex)
                {
                    Failure = $"{description} failed while meta was up: {ex}";
                    return;
                }

                apply(Model, result);
                _inFlight = null;
                Acknowledged++;
            }
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();

        private (string Description, Func<Task<long>> Call, Action<FileTreeModel, long> Apply) Next()
        {
            var dir = _random.Next(2) == 0 ? left : right;
            var files = Model.Entries.Where(e => e.Value.Kind == FileKind.File).ToList();
            var dirs = Model.Entries.Where(e => e.Value.Kind == FileKind.Directory).ToList();
            var roll = _random.Next(100);
            if (roll < 18 || files.Count < 3)
            {
                var name = $"f{_next++}";
                var id = _next;
                return ($"create {DirName(dir)}/{name}",
                    async () => (await client.CreateFileAsync(dir, name, cancellationToken: Ct)).Ino,
                    (m, ino) => m.AddFile(dir, name, id, ino));
            }

            var file = files[_random.Next(files.Count)];
            if (roll < 50)
            {
                var length = Model.Content(file.Value.Id).Length;
                var offset = _random.Next(5) == 0 ? length + _random.Next(100_000) : _random.Next(length + 1);
                var data = new byte[_random.Next(1, 200_000)];
                _random.NextBytes(data);
                return ($"write {data.Length} bytes at {offset} of {DirName(file.Key.Dir)}/{file.Key.Name}",
                    async () =>
                    {
                        await client.WriteAsync(file.Value.Ino, offset, data, Ct);
                        return 0;
                    },
                    (m, _) => m.Write(file.Value.Id, offset, data));
            }

            if (roll < 58)
            {
                var size = _random.Next(Model.Content(file.Value.Id).Length + 70_000);
                return ($"truncate {DirName(file.Key.Dir)}/{file.Key.Name} to {size}",
                    async () =>
                    {
                        await client.TruncateAsync(file.Value.Ino, size, Ct);
                        return 0;
                    },
                    (m, _) => m.Truncate(file.Value.Id, size));
            }

            if (roll < 65)
            {
                var name = $"d{_next++}";
                var id = _next;
                return ($"mkdir {DirName(dir)}/{name}",
                    async () => (await client.MakeDirectoryAsync(dir, name, cancellationToken: Ct)).Ino,
                    (m, ino) => m.AddDirectory(dir, name, id, ino));
            }

            if (roll < 69 && dirs.Count > 0)
            {
                var victim = dirs[_random.Next(dirs.Count)];
                return ($"rmdir {DirName(victim.Key.Dir)}/{victim.Key.Name}",
                    async () =>
                    {
                        await client.RemoveDirectoryAsync(victim.Key.Dir, victim.Key.Name, Ct);
                        return 0;
                    },
                    (m, _) => m.Remove(victim.Key.Dir, victim.Key.Name));
            }

            if (roll < 79)
            {
                return ($"unlink {DirName(file.Key.Dir)}/{file.Key.Name}",
                    async () =>
                    {
                        await client.UnlinkAsync(file.Key.Dir, file.Key.Name, cancellationToken: Ct);
                        return 0;
                    },
                    (m, _) => m.Remove(file.Key.Dir, file.Key.Name));
            }

            if (roll < 91)
            {
                // Move a file or directory (or replace another file) under a new or existing name.
                var source = dirs.Count > 0 && _random.Next(4) == 0 ? dirs[_random.Next(dirs.Count)] : file;
                var over = source.Value.Kind == FileKind.File && files.Count > 1 && _random.Next(3) == 0;
                var target = over ? files.Where(f => f.Key != source.Key).ElementAt(_random.Next(files.Count - 1)).Key : (dir, $"m{_next++}");
                return ($"rename {DirName(source.Key.Dir)}/{source.Key.Name} -> {DirName(target.Item1)}/{target.Item2}",
                    async () =>
                    {
                        await client.RenameAsync(new RenameRequest(source.Key.Dir, source.Key.Name, target.Item1, target.Item2), Ct);
                        return 0;
                    },
                    (m, _) => m.Rename(source.Key.Dir, source.Key.Name, target.Item1, target.Item2));
            }

            var linkName = $"l{_next++}";
            return ($"link {DirName(file.Key.Dir)}/{file.Key.Name} as {DirName(dir)}/{linkName}",
                async () => (await client.LinkAsync(dir, linkName, file.Value.Ino, Ct)).Ino,
                (m, _) => m.Link(dir, linkName, file.Value));
        }
    }
}
