using System.Globalization;
using System.Net.Http.Headers;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Healing;

/// <summary>
/// A real cluster for self-healing tests (meta and data server processes with short heartbeats and healing
/// periods), and the simple client side they need: quorum writes the plain way (lease, PUT to every replica,
/// commit with acknowledgements and failures), and looks at what meta and each data server hold.
/// </summary>
internal sealed class HealingCluster(TestCluster cluster) : IAsyncDisposable
{
    /// <summary>Longest wait for any healing to show.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>The underlying test cluster.</summary>
    public TestCluster Cluster { get; } = cluster;

    /// <summary>Meta.</summary>
    public IMetadataApi Meta => Cluster.MetaApi;

    /// <summary>Starts a cluster whose data servers check for assignments every 500 ms and collect garbage every second.</summary>
    public static async Task<HealingCluster> StartAsync(
        int dataServers = 3, int replicas = 3, IReadOnlyList<string>? dataArguments = null, IReadOnlyList<string>? metaArguments = null)
    {
        var options = new ClusterOptions
        {
            DataServers = dataServers,
            Replicas = replicas,
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            HeartbeatTimeout = TimeSpan.FromSeconds(2),
            ExtraDataArguments = [.. WithDefaults(dataArguments ?? [], ("--assignment-interval-ms", "500"), ("--gc-interval-ms", "1000"))],
            ExtraMetaArguments = metaArguments ?? [],
        };
        return new HealingCluster(await TestCluster.StartAsync(options, TestContext.Current.CancellationToken));
    }

    /// <summary><paramref name="arguments"/> plus each default option they do not give.</summary>
    private static IEnumerable<string> WithDefaults(IReadOnlyList<string> arguments, params (string Option, string Value)[] defaults) =>
        defaults.Where(d => !arguments.Contains(d.Option)).SelectMany(d => new[] { d.Option, d.Value }).Concat(arguments);

    /// <summary>A Refit client of data server <paramref name="index"/>'s admin endpoints, carrying the admin token.</summary>
    public IDataAdminApi AdminApi(int index) =>
        RestService.For<IDataAdminApi>(
            new HttpClient { BaseAddress = Cluster.DataServers[index].Url, Timeout = TimeSpan.FromSeconds(30) },
            new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(Cluster.Options.AdminToken) });

    /// <summary>Creates a file in the root directory.</summary>
    public async Task<long> CreateFileAsync(string name) =>
        (await Meta.CreateFileAsync(1, new CreateFileRequest(name, 0x1A4, 0, 0), TestContext.Current.CancellationToken)).Ino;

    /// <summary>Creates a file of <paramref name="chunks"/> full chunks of seeded bytes; returns it and the bytes per chunk.</summary>
    public async Task<(long Ino, List<byte[]> Data)> WriteFileAsync(string name, int chunks, int seed)
    {
        var ino = await CreateFileAsync(name);
        var data = new List<byte[]>();
        for (var i = 0; i < chunks; i++)
        {
            var bytes = Bytes(Cluster.Options.ChunkSize, (seed * 1000) + i);
            await WriteChunkAsync(ino, i, bytes);
            data.Add(bytes);
        }

        return (ino, data);
    }

    /// <summary>
    /// A quorum write of one chunk, the plain way: a lease from meta, the bytes to every replica in parallel, and a
    /// commit naming who acknowledged and who failed (and why), when a majority acknowledged.
    /// </summary>
    public async Task<ChunkInfo> WriteChunkAsync(long ino, long index, byte[] data)
    {
        var ct = TestContext.Current.CancellationToken;
        var lease = Assert.Single((await Meta.AcquireLeasesAsync(ino, new LeaseRequest([index]), ct)).Leases);
        var checksum = ChunkChecksum.Format(ChunkChecksum.Compute(data));
        var key = ChunkKey.FromId(lease.ChunkId);
        var answers = await Task.WhenAll(lease.Replicas.Select(async replica =>
        {
            try
            {
                var content = new ByteArrayContent(data);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(ChunkHeaders.OctetStream);
                using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{replica.Url}/api/chunks/{key}?version={lease.Version.ToString(CultureInfo.InvariantCulture)}"))
                {
                    Content = content,
                };
                request.Headers.Add(ChunkHeaders.Checksum, checksum);
                using var response = await Cluster.Http.SendAsync(request, ct);
                return (replica.ServerId, Error: response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}");
            }
            catch (HttpRequestException ex)
            {
                return (replica.ServerId, Error: ex.Message);
            }
        }));
        var acknowledged = answers.Where(a => a.Error is null).Select(a => a.ServerId).ToList();
        Assert.True(acknowledged.Count > lease.Replicas.Count / 2, $"Only {acknowledged.Count} of {lease.Replicas.Count} replicas acknowledged.");
        await Meta.CommitAsync(
            ino,
            new CommitRequest(
                [new ChunkCommit(lease.ChunkId, lease.Version, lease.BaseVersion, data.Length, checksum, acknowledged,
                    [.. answers.Where(a => a.Error is not null).Select(a => new ReplicaFailure(a.ServerId, a.Error!))])],
                (index * Cluster.Options.ChunkSize) + data.Length),
            ct);
        return await Meta.GetChunkAsync(lease.ChunkId, ct);
    }

    /// <summary>The chunks of a file.</summary>
    public async Task<IReadOnlyList<ChunkInfo>> ChunksAsync(long ino) =>
        (await Meta.GetChunksAsync(ino, 0, 1000, TestContext.Current.CancellationToken)).Chunks;

    /// <summary>The (key, version) pairs data server <paramref name="index"/> stores.</summary>
    public async Task<HashSet<(string Key, long Version)>> StoredAsync(int index)
    {
        var api = Cluster.DataApi(index);
        var stored = new HashSet<(string, long)>();
        string? after = null;
        do
        {
            var page = await api.ListChunksAsync(after, 10_000, TestContext.Current.CancellationToken);
            stored.UnionWith(page.Chunks.Select(c => (c.Key, c.Version)));
            after = page.NextAfter;
        }
        while (after is not null);
        return stored;
    }

    /// <summary>The committed (key, version) of every chunk of <paramref name="inos"/> with a replica on <paramref name="serverId"/>.</summary>
    public async Task<HashSet<(string Key, long Version)>> CommittedOnAsync(int serverId, params long[] inos)
    {
        var expected = new HashSet<(string, long)>();
        foreach (var ino in inos)
        {
            foreach (var chunk in await ChunksAsync(ino))
            {
                if (chunk.Replicas.Any(r => r.ServerId == serverId))
                {
                    expected.Add((ChunkKey.FromId(chunk.ChunkId), chunk.Version));
                }
            }
        }

        return expected;
    }

    /// <summary>Waits until every replica of every chunk of <paramref name="inos"/> is Ok at the committed version and every data server is Up.</summary>
    public Task WaitUntilHealedAsync(string what, params long[] inos) =>
        Cluster.WaitUntilAsync(
            async () =>
            {
                foreach (var ino in inos)
                {
                    foreach (var chunk in await ChunksAsync(ino))
                    {
                        if (chunk.Replicas.Any(r => r.State != ReplicaState.Ok || r.Version != chunk.Version))
                        {
                            return false;
                        }
                    }
                }

                var servers = await Meta.GetServersAsync(TestContext.Current.CancellationToken);
                return servers.All(s => s.State == ServerState.Up);
            },
            Timeout,
            what,
            TestContext.Current.CancellationToken);

    /// <summary>Asserts that every replica's digest of every chunk of <paramref name="inos"/> is the committed checksum, recomputed from its disk.</summary>
    public async Task AssertEveryReplicaVerifiesAsync(params long[] inos)
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var ino in inos)
        {
            foreach (var chunk in await ChunksAsync(ino))
            {
                foreach (var replica in chunk.Replicas)
                {
                    var index = Cluster.DataServers.Single(d => d.UrlText == replica.Url).Index;
                    var digest = await Cluster.DataApi(index).GetDigestAsync(ChunkKey.FromId(chunk.ChunkId), chunk.Version, ct);
                    Assert.True(digest.Intact, $"{Cluster.DataServers[index].Name}: chunk {chunk.ChunkId} v{chunk.Version} is not intact");
                    Assert.Equal(chunk.Checksum, digest.Checksum);
                }
            }
        }
    }

    /// <summary>Every event whose kind starts with <paramref name="kind"/>, oldest first.</summary>
    public async Task<List<ClusterEvent>> EventsAsync(string kind)
    {
        var events = new List<ClusterEvent>();
        long after = 0;
        while (true)
        {
            var page = await Meta.GetEventsAsync(after, 1000, kind, TestContext.Current.CancellationToken);
            events.AddRange(page.Events);
            if (page.Events.Count == 0)
            {
                return events;
            }

            after = page.Events[^1].Id;
        }
    }

    /// <summary>Waits for an event of <paramref name="kind"/> matching <paramref name="match"/>; returns it.</summary>
    public async Task<ClusterEvent> WaitForEventAsync(string kind, Func<ClusterEvent, bool> match, string what)
    {
        ClusterEvent? found = null;
        await Cluster.WaitUntilAsync(
            async () => (found = (await EventsAsync(kind)).FirstOrDefault(match)) is not null,
            Timeout,
            what,
            TestContext.Current.CancellationToken);
        return found!;
    }

    /// <summary>Runs <paramref name="test"/>; a failure carries the end of every server's log.</summary>
    public async Task RunAsync(Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}\n--- server logs ---\n{Cluster.DumpLogs()}");
        }
    }

    /// <summary>Seeded random bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
