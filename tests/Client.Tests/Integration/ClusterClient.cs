using ReplicaFs.Contracts.Events;
using ReplicaFs.Testing;

namespace ReplicaFs.Client.Tests.Integration;

/// <summary>Helpers for integration tests on a real <see cref="TestCluster"/>.</summary>
internal static class ClusterClient
{
    /// <summary>The seed's shape: 4 data servers, every chunk on all 4.</summary>
    public static ClusterOptions Seed(int chunkSize = 256 * 1024) => new() { DataServers = 4, Replicas = 4, ChunkSize = chunkSize };

    /// <summary>A client of <paramref name="cluster"/> with test-friendly timeouts.</summary>
    public static Task<ReplicaFsClient> ConnectAsync(TestCluster cluster, int readQuorum = 3, int writeQuorum = 3, Func<ReplicaFsClientOptions, ReplicaFsClientOptions>? configure = null)
    {
        var options = new ReplicaFsClientOptions
        {
            MetaUrl = cluster.MetaUrl,
            ReadQuorum = readQuorum,
            WriteQuorum = writeQuorum,
            DigestTimeout = TimeSpan.FromSeconds(5),
            TransferTimeout = TimeSpan.FromSeconds(30),
            LateAckWindow = TimeSpan.FromSeconds(2),
        };
        return ReplicaFsClient.ConnectAsync(configure?.Invoke(options) ?? options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Every event of the cluster so far.</summary>
    public static async Task<List<ClusterEvent>> EventsAsync(TestCluster cluster, string? kind = null)
    {
        var events = new List<ClusterEvent>();
        long after = 0;
        while (true)
        {
            var page = await cluster.MetaApi.GetEventsAsync(after, 1000, kind, TestContext.Current.CancellationToken);
            events.AddRange(page.Events);
            if (page.Events.Count == 0 || page.Events[^1].Id >= page.LastId)
            {
                return events;
            }

            after = page.Events[^1].Id;
        }
    }

    /// <summary><paramref name="length"/> deterministic bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
