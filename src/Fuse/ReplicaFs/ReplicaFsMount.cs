using System.Globalization;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// <c>ReplicaFs.Fuse mount</c>: checks the mount point, connects to the metadata server, validates the quorums
/// against the cluster's replica count, checks the data servers named on the command line, mounts, and serves in the
/// foreground until Ctrl+C or SIGTERM (then unmounts cleanly and exits 0). auto_unmount makes the kernel drop the
/// mount if the process is killed.
/// </summary>
public static partial class ReplicaFsMount
{
    /// <summary>Exit code for a command line that cannot work (bad quorums and the like).</summary>
    public const int UsageError = 2;

    /// <summary>Runs the mount in the foreground.</summary>
    /// <returns>0 after a clean unmount; 1 when the environment failed (fuse3, mount point, metadata server); 2 for bad quorums.</returns>
    public static async Task<int> RunAsync(MountSettings settings, ILoggerFactory loggerFactory, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var logger = loggerFactory.CreateLogger(typeof(ReplicaFsMount));
        var fuseOptions = new FuseMountOptions
        {
            FileSystemName = "replicafs",
            Subtype = "replicafs",
            Debug = settings.Debug,
            RequireEmptyMountPoint = true,
        };

        // Local problems first (fuse3 missing, no such directory): they need no cluster to be diagnosed.
        string mountPoint;
        try
        {
            mountPoint = MountPreflight.Check(settings.MountPoint, fuseOptions, logger);
        }
        catch (FuseMountException e)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }

        ReplicaFsClient client;
        try
        {
            client = await ReplicaFsClient.ConnectAsync(
                new ReplicaFsClientOptions
                {
                    MetaUrl = settings.MetaUrl,
                    ReadQuorum = settings.ReadQuorum,
                    WriteQuorum = settings.WriteQuorum,
                    SessionName = $"mount {mountPoint}",
                },
                loggerFactory,
                cancellationToken);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"Cannot mount with these quorums: {WithoutParameterName(e)}");
            return UsageError;
        }
        catch (Exception e) when (e is PosixException or HttpRequestException or TimeoutException)
        {
            await error.WriteLineAsync($"Cannot reach the metadata server at {settings.MetaUrl.ToString().TrimEnd('/')}: {e.Message} Start the cluster (./replicafs up) or pass --meta URL.");
            return 1;
        }

        var fileSystem = new ReplicaFileSystem(client, settings.FileSystem, loggerFactory.CreateLogger<ReplicaFileSystem>());
        try
        {
            await output.WriteLineAsync(
                $"Cluster {client.Cluster.ClusterId}: {client.Cluster.Replicas} replica(s) per chunk, {client.ChunkSize / 1024} KiB chunks, metadata server {settings.MetaUrl.ToString().TrimEnd('/')}.");
            await output.WriteLineAsync(client.Quorum.Describe());
            await CheckDataServersAsync(client, settings.DataPorts, error, cancellationToken);
            return await ForegroundMount.RunAsync(mountPoint, fileSystem, fuseOptions, loggerFactory, output, error, fileSystem.AttachMount, cancellationToken);
        }
        finally
        {
            await fileSystem.DisposeAsync();
            await client.DisposeAsync();
        }
    }

    /// <summary>
    /// The data servers are whatever the metadata server knows; ports given on the command line (the seed's form) are
    /// only checked against that list, with a warning for each one that is not registered or not up.
    /// </summary>
    private static async Task CheckDataServersAsync(ReplicaFsClient client, IReadOnlyList<int> ports, TextWriter error, CancellationToken cancellationToken)
    {
        IReadOnlyList<DataServerInfo> servers;
        try
        {
            servers = await client.Metadata.GetServersAsync(cancellationToken);
        }
        catch (PosixException e)
        {
            await error.WriteLineAsync($"Warning: the metadata server did not list its data servers: {e.Message}");
            return;
        }

        var up = servers.Count(s => s.State is ServerState.Up or ServerState.Rebuilding);
        if (up < client.Quorum.WriteQuorum)
        {
            await error.WriteLineAsync(
                $"Warning: only {up} data server(s) are up, fewer than Qw={client.Quorum.WriteQuorum}: writes will fail with EIO until more are up.");
        }

        foreach (var port in ports)
        {
            var server = servers.FirstOrDefault(s => Uri.TryCreate(s.Url, UriKind.Absolute, out var url) && url.Port == port);
            if (server is null)
            {
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Warning: no data server on port {port} is registered at the metadata server (it knows {Describe(servers)}); it is not used."));
            }
            else if (server.State is not (ServerState.Up or ServerState.Rebuilding))
            {
                await error.WriteLineAsync($"Warning: the data server on port {port} ({server.Name}) is {server.State.ToString().ToLowerInvariant()}.");
            }
        }
    }

    /// <summary>The message of an <see cref="ArgumentException"/> without the " (Parameter 'x')" meant for developers.</summary>
    private static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    private static string Describe(IReadOnlyList<DataServerInfo> servers) =>
        servers.Count == 0 ? "none" : string.Join(", ", servers.Select(s => $"{s.Name} {s.Url} ({s.State.ToString().ToLowerInvariant()})"));
}
