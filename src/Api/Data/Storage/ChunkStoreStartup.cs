using ReplicaFs.Api.Data.Registration;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Opens the chunk store when the host starts, before Kestrel accepts requests, so that a directory that is locked
/// or of an unknown format stops the server with a clear message (exit code 2) instead of serving from nothing.
/// </summary>
internal sealed class ChunkStoreStartup(ChunkStore store, DataServerOptions options) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ServerIdentity.CheckAdvertisable(options);
        store.Open();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
