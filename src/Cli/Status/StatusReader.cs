using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Status;

/// <summary>Reads a <see cref="StatusSnapshot"/> from the metadata server (three calls at once).</summary>
internal static class StatusReader
{
    /// <summary>The snapshot; a metadata server that does not answer makes the cluster unavailable, with the reason.</summary>
    public static async Task<StatusSnapshot> ReadAsync(IMetadataApi meta, Uri metaUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        try
        {
            var config = meta.GetConfigAsync(cancellationToken);
            var health = meta.GetHealthAsync(cancellationToken);
            var servers = meta.GetServersAsync(cancellationToken);
            await Task.WhenAll(config, health, servers);
            var summary = await health;
            return new StatusSnapshot(metaUrl, summary.Status, summary.Reasons, await config, summary, Display.InNameOrder(await servers));
        }
        catch (PosixException ex)
        {
            return new StatusSnapshot(metaUrl, HealthStatus.Unavailable, [ex.Message], null, null, []);
        }
    }
}
