using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>A metadata server for the crash storm.</summary>
public sealed class CrashStormClusterFixture : ClusterFixture
{
    /// <inheritdoc />
    protected override ClusterOptions Options => new() { DataServers = 0 };
}

/// <summary>
/// Many clients create, rename, link and remove concurrently; the metadata server is killed with SIGKILL in the
/// middle. After the restart every acknowledged operation is there, the one in flight per client is either fully
/// there or not at all, and the namespace is consistent.
/// </summary>
public sealed class CrashStormTests(CrashStormClusterFixture fixture) : IClassFixture<CrashStormClusterFixture>
{
    private const int Workers = 8;
    private const int AcknowledgedBeforeKill = 600;
    private readonly TestCluster _cluster = fixture.Cluster;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_kill_9_in_a_storm_of_namespace_operations_loses_nothing_acknowledged()
    {
        var workers = new List<StormWorker>();
        for (var i = 0; i < Workers; i++)
        {
            var home = await _cluster.MetaApi.NewTestDirectoryAsync();
            var left = await _cluster.MetaApi.NewDirectoryAsync(home.Ino, "left");
            var right = await _cluster.MetaApi.NewDirectoryAsync(home.Ino, "right");
            workers.Add(new StormWorker(_cluster.MetaApi, seed: 4711 + i, left.Ino, right.Ino));
        }

        using var stop = new CancellationTokenSource();
        var running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token), Token)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (workers.Sum(w => w.Acknowledged) < AcknowledgedBeforeKill)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {workers.Sum(w => w.Acknowledged)} operations in 60 s.");
            Assert.All(running, r => Assert.False(r.IsFaulted, r.Exception?.ToString()));
            await Task.Delay(20, Token);
        }

        await _cluster.KillMetaAsync();
        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(60), Token);
        await stop.CancelAsync();
        Assert.All(workers, w => Assert.Null(w.Failure));

        await _cluster.StartMetaAsync(cancellationToken: Token);

        foreach (var worker in workers)
        {
            var actual = await worker.ReadBackAsync();
            var expected = worker.Model();
            var withInFlight = worker.ModelWithInFlight();
            Assert.True(
                actual.SetEquals(expected) || (withInFlight is not null && actual.SetEquals(withInFlight)),
                $"Worker {worker.Seed}: after the crash the namespace holds [{string.Join(", ", actual.Order())}], " +
                $"but the acknowledged operations give [{string.Join(", ", expected.Order())}]" +
                (withInFlight is null ? string.Empty : $" (or with the operation in flight, {worker.InFlight}: [{string.Join(", ", withInFlight.Order())}])"));
            await worker.CheckLinkCountsAsync(actual);
        }

        NamespaceConsistency.Check(_cluster);
        Assert.True(workers.Sum(w => w.Acknowledged) >= AcknowledgedBeforeKill);

        // The server keeps working after the crash.
        var after = await _cluster.MetaApi.NewTestDirectoryAsync();
        Assert.Equal(2, after.Attributes.Nlink);
    }

    /// <summary>One client: its own two directories, a seeded random walk of valid operations, and a model of what they did.</summary>
    private sealed class StormWorker(IMetadataApi api, int seed, long left, long right)
    {
        private readonly Random _random = new(seed);
        private readonly Dictionary<(long Dir, string Name), (FileKind Kind, int Id)> _model = [];
        private int _nextName;
        private (string Description, Action<Dictionary<(long, string), (FileKind, int)>> Apply)? _inFlight;

        public int Seed => seed;

        public int Acknowledged { get; private set; }

        public string? Failure { get; private set; }

        public string? InFlight => _inFlight?.Description;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var (description, call, apply) = NextOperation();
                _inFlight = (description, apply);
                try
                {
                    await call();
                }
                catch (Exception ex) when (ex is ApiRequestException or HttpRequestException or TaskCanceledException or IOException)
                {
                    // The server died with this operation in flight: it may or may not have been applied.
                    return;
                }
                catch (ApiException ex)
                {
                    Failure = $"{description} was refused: {(int)ex.StatusCode} {ex.Content}";
                    return;
                }

                apply(_model);
                _inFlight = null;
                Acknowledged++;
            }
        }

        public HashSet<string> Model() => Describe(_model);

        public HashSet<string>? ModelWithInFlight()
        {
            if (_inFlight is not { } inFlight)
            {
                return null;
            }

            var copy = new Dictionary<(long, string), (FileKind, int)>(_model);
            inFlight.Apply(copy);
            return Describe(copy);
        }

        public async Task<HashSet<string>> ReadBackAsync()
        {
            var entries = new HashSet<string>();
            foreach (var dir in new[] { left, right })
            {
                foreach (var entry in await api.ListAllAsync(dir))
                {
                    entries.Add($"{Side(dir)}/{entry.Name}:{entry.Attributes.Kind}");
                }
            }

            return entries;
        }

        public async Task CheckLinkCountsAsync(HashSet<string> actual)
        {
            foreach (var dir in new[] { left, right })
            {
                var subdirectories = actual.Count(e => e.StartsWith(Side(dir) + "/", StringComparison.Ordinal) && e.EndsWith(":Directory", StringComparison.Ordinal));
                Assert.Equal(2 + subdirectories, (await api.GetAttributesAsync(dir, Token)).Nlink);
            }
        }

        private (string Description, Func<Task> Call, Action<Dictionary<(long Dir, string Name), (FileKind, int)>> Apply) NextOperation()
        {
            var dir = _random.Next(2) == 0 ? left : right;
            var files = _model.Where(p => p.Value.Kind == FileKind.File).Select(p => p.Key).ToList();
            var dirs = _model.Where(p => p.Value.Kind == FileKind.Directory).Select(p => p.Key).ToList();
            var roll = _random.Next(100);
            if (roll < 35 || files.Count < 3)
            {
                var name = $"f{_nextName++}";
                var id = _nextName;
                return ($"create {Side(dir)}/{name}", () => api.CreateFileAsync(dir, new CreateFileRequest(name, 0x1A4, 1, 1), Token), m => m[(dir, name)] = (FileKind.File, id));
            }

            if (roll < 45)
            {
                var name = $"d{_nextName++}";
                var id = _nextName;
                return ($"mkdir {Side(dir)}/{name}", () => api.MakeDirectoryAsync(dir, new MakeDirectoryRequest(name, 0x1ED, 1, 1), Token), m => m[(dir, name)] = (FileKind.Directory, id));
            }

            if (roll < 60)
            {
                var victim = files[_random.Next(files.Count)];
                return ($"unlink {Side(victim.Dir)}/{victim.Name}", () => api.UnlinkAsync(victim.Dir, victim.Name, cancellationToken: Token), m => m.Remove(victim));
            }

            if (roll < 65 && dirs.Count > 0)
            {
                var victim = dirs[_random.Next(dirs.Count)];
                return ($"rmdir {Side(victim.Dir)}/{victim.Name}", () => api.RemoveDirectoryAsync(victim.Dir, victim.Name, Token), m => m.Remove(victim));
            }

            if (roll < 80)
            {
                // Move a file or a directory to the other side (or stay), under a new name.
                var pool = dirs.Count > 0 && _random.Next(3) == 0 ? dirs : files;
                var source = pool[_random.Next(pool.Count)];
                var name = $"m{_nextName++}";
                return ($"rename {Side(source.Dir)}/{source.Name} -> {Side(dir)}/{name}",
                    () => api.RenameAsync(new RenameRequest(source.Dir, source.Name, dir, name), Token),
                    m =>
                    {
                        var value = m[source];
                        m.Remove(source);
                        m[(dir, name)] = value;
                    }
                );
            }

            if (roll < 90)
            {
                // Replace one file with another: the target's inode loses its only link.
                var source = files[_random.Next(files.Count)];
                var target = files.Where(f => f != source).ElementAt(_random.Next(files.Count - 1));
                return ($"rename {Side(source.Dir)}/{source.Name} over {Side(target.Dir)}/{target.Name}",
                    () => api.RenameAsync(new RenameRequest(source.Dir, source.Name, target.Dir, target.Name), Token),
                    m =>
                    {
                        // Two links of one inode: rename does nothing (POSIX).
                        var value = m[source];
                        if (value.Item2 != m[target].Item2)
                        {
                            m.Remove(source);
                            m[target] = value;
                        }
                    }
                );
            }

            var linked = files[_random.Next(files.Count)];
            var linkName = $"l{_nextName++}";
            return ($"link {Side(linked.Dir)}/{linked.Name} as {Side(dir)}/{linkName}",
                async () => await api.LinkAsync(dir, new LinkRequest(linkName, (await api.LookupAsync(linked.Dir, linked.Name, Token)).Ino), Token),
                m => m[(dir, linkName)] = m[linked]);
        }

        private string Side(long dir) => dir == left ? "left" : "right";

        private HashSet<string> Describe(Dictionary<(long Dir, string Name), (FileKind Kind, int Id)> model) =>
            [.. model.Select(p => $"{Side(p.Key.Dir)}/{p.Key.Name}:{p.Value.Kind}")];
    }
}
