using ReplicaFs.Client;
using ReplicaFs.Testing;

namespace ReplicaFs.Bench.Micro.Setup;

/// <summary>
/// A real cluster for the benchmarks that cross the network: the shared test fixture's meta and data servers as
/// child processes on loopback ports, with temp directories, and a client connected to it. Production timings (a
/// 5 s heartbeat) and the production chunk size, 4 MiB.
/// </summary>
public sealed class MicroCluster : IAsyncDisposable
{
    /// <summary>The production chunk size.</summary>
    public const int ChunkSize = 4 * 1024 * 1024;

    private MicroCluster(TestCluster cluster, ReplicaFsClient client)
    {
        Cluster = cluster;
        Client = client;
    }

    /// <summary>The servers.</summary>
    public TestCluster Cluster { get; }

    /// <summary>A quorum client of the cluster.</summary>
    public ReplicaFsClient Client { get; }

    /// <summary>Starts <paramref name="dataServers"/> data servers holding every chunk on each and connects a client with the given quorums.</summary>
    public static async Task<MicroCluster> StartAsync(int dataServers, int readQuorum, int writeQuorum)
    {
        var cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            DataServers = dataServers,
            Replicas = dataServers,
            ChunkSize = ChunkSize,
            EnableFaults = false,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            HeartbeatTimeout = TimeSpan.FromSeconds(10),
        });
        try
        {
            var client = await ReplicaFsClient.ConnectAsync(new ReplicaFsClientOptions
            {
                MetaUrl = cluster.MetaUrl,
                ReadQuorum = readQuorum,
                WriteQuorum = writeQuorum,
                SessionName = "micro-benchmarks",
            });
            return new MicroCluster(cluster, client);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails loudly: a benchmark that measured a wrong answer measured nothing.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark check failed: {what}");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
