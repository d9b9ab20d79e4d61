using Microsoft.Extensions.DependencyInjection;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Client.Tests.Fakes;

/// <summary>A fake metadata server and fake data servers wired into a real <see cref="ReplicaFsClient"/>.</summary>
internal sealed class FakeCluster : IDataServerClients
{
    private readonly Dictionary<string, FakeDataServer> _byUrl = [];

    public FakeCluster(int servers = 4, int replicas = 4, int chunkSize = 256 * 1024)
    {
        var list = new List<FakeDataServer>();
        for (var i = 1; i <= servers; i++)
        {
            var server = new FakeDataServer(i, $"http://data-{i}.fake", url => _byUrl.GetValueOrDefault(url));
            list.Add(server);
            _byUrl[server.Url] = server;
        }

        Servers = list;
        ChunkSize = chunkSize;
        Meta = new FakeMeta(replicas, chunkSize, list.Select(s => (s.ServerId, s.Url)).ToList());
    }

    public IReadOnlyList<FakeDataServer> Servers { get; }

    public FakeMeta Meta { get; }

    public int ChunkSize { get; }

    public IDataServerApi ForServer(string baseUrl) => _byUrl[baseUrl];

    /// <summary>The data server with <paramref name="serverId"/>.</summary>
    public FakeDataServer Server(int serverId) => Servers.Single(s => s.ServerId == serverId);

    /// <summary>A client of this cluster; the options get fast timeouts suited to tests unless given.</summary>
    public Task<ReplicaFsClient> ConnectAsync(Func<ReplicaFsClientOptions, ReplicaFsClientOptions>? configure = null, int? readQuorum = 3, int? writeQuorum = 3)
    {
        var options = new ReplicaFsClientOptions
        {
            MetaUrl = new Uri("http://meta.fake"),
            ReadQuorum = readQuorum,
            WriteQuorum = writeQuorum,
            DigestTimeout = TimeSpan.FromSeconds(1),
            TransferTimeout = TimeSpan.FromSeconds(2),
            LateAckWindow = TimeSpan.FromSeconds(1),
            DrainTimeout = TimeSpan.FromSeconds(5),
            BufferBudgetBytes = 64L * ChunkSize,
        };
        options = configure?.Invoke(options) ?? options;
        var services = new ServiceCollection()
            .AddSingleton<IMetadataApi>(Meta)
            .AddSingleton<IDataServerClients>(this)
            .BuildServiceProvider();
        return ReplicaFsClient.ConnectAsync(services, options, cancellationToken: TestContext.Current.CancellationToken);
    }
}
