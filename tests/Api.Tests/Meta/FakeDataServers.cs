using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Registrations of data servers that do not exist: meta only stores what they say about themselves.</summary>
public static class FakeDataServers
{
    /// <summary>A registration for the made-up server number <paramref name="n"/> of this test run.</summary>
    public static RegisterRequest Request(int n, long capacity = 1L << 30, long free = 1L << 29, string? instanceId = null, string? url = null) =>
        new(url ?? UrlOf(n), instanceId ?? $"instance-{n}", new DataServerStats(0, 0, capacity, free));

    /// <summary>A unique, never listening URL.</summary>
    public static string UrlOf(int n) => $"http://127.0.0.1:{20000 + n}/fake-{RunId}";

    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];
}
