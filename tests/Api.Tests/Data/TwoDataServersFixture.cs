namespace ReplicaFs.Api.Tests.Data;

/// <summary>Two standalone data servers (faults enabled), a repair target and a repair source.</summary>
public sealed class TwoDataServersFixture : IAsyncLifetime
{
    private StandaloneDataServer? _first;
    private StandaloneDataServer? _second;

    /// <summary>The server that gets repaired.</summary>
    public StandaloneDataServer First => _first ?? throw new InvalidOperationException("Not started.");

    /// <summary>The server repairs pull from.</summary>
    public StandaloneDataServer Second => _second ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        var both = await Task.WhenAll(StandaloneDataServer.StartAsync(), StandaloneDataServer.StartAsync());
        (_first, _second) = (both[0], both[1]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var server in new[] { _first, _second })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
