namespace ReplicaFs.Api.Tests.Data;

/// <summary>One standalone data server (faults enabled) shared by the tests of a class; tests use their own keys.</summary>
public sealed class DataServerFixture : IAsyncLifetime
{
    private StandaloneDataServer? _server;

    /// <summary>The running server.</summary>
    public StandaloneDataServer Server => _server ?? throw new InvalidOperationException("The data server has not started.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _server = await StandaloneDataServer.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
