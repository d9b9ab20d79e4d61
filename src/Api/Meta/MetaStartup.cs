using System.Globalization;
using System.Security.Cryptography;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Api.Meta.Storage.Sqlite;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta;

/// <summary>
/// Runs before the server accepts requests: opens and migrates the database, creates the cluster on first start
/// (random id, replicas and chunk size from the command line, root directory) or loads the stored settings, gives
/// every live data server a fresh heartbeat grace period, and logs a <c>meta.started</c> event.
/// </summary>
internal sealed partial class MetaStartup(
    SqliteMetaDatabase database,
    MetaServerOptions options,
    ActiveClusterSettings active,
    MembershipService membership,
    TimeProvider clock,
    ILogger<MetaStartup> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        database.Open(options.DataDir);
        var (settings, created, inodes, servers) = await database.WriteAsync(tx =>
        {
            var stored = tx.Cluster.GetSettings();
            var isNew = stored is null;
            if (stored is null)
            {
                stored = new ClusterSettings(NewClusterId(), options.Replicas, options.ChunkSize, clock.GetUtcNow());
                tx.Cluster.CreateSettings(stored);
                tx.Namespace.CreateRoot(new NewInode(FileKind.Directory, PosixMode.Make(FileKind.Directory, 0x1ED), 0, 0, 0, 2, Timestamp.Now(clock), null));
            }

            return (stored, isNew, tx.Namespace.CountInodes(), tx.Cluster.ListServers().Count);
        }, cancellationToken);

        if (!created && (settings.Replicas != options.Replicas || settings.ChunkSize != options.ChunkSize))
        {
            LogSettingsKept(logger, settings.Replicas, settings.ChunkSize, options.Replicas, options.ChunkSize);
        }

        active.Load(settings);
        await membership.StartGracePeriodAsync(cancellationToken);

        var message = string.Create(CultureInfo.InvariantCulture,
            $"Metadata server {ServerHost.Version} started on {options.Listen}:{options.Port}: cluster {settings.ClusterId} " +
            $"{(created ? "created" : "opened")} (replicas {settings.Replicas}, chunk size {settings.ChunkSize} bytes), " +
            $"{inodes} inode(s), {servers} known data server(s), schema version {SqliteSchema.CurrentVersion}.");
        await database.WriteAsync(tx => tx.Events.Append(new NewEventRecord(clock.GetUtcNow(), EventKinds.MetaStarted, EventSeverity.Info, message, "meta")), cancellationToken);
        LogStarted(logger, message);
        if (created)
        {
            LogCreated(logger, settings.ClusterId, NamespaceLimits.RootIno);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string NewClusterId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Keeping the stored cluster settings: replicas {StoredReplicas}, chunk size {StoredChunkSize} bytes. They are fixed when the cluster is created; " +
                  "the command line's replicas {AskedReplicas} and chunk size {AskedChunkSize} are ignored.")]
    private static partial void LogSettingsKept(ILogger logger, int storedReplicas, int storedChunkSize, int askedReplicas, int askedChunkSize);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogStarted(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created cluster {ClusterId} with root directory inode {RootIno}.")]
    private static partial void LogCreated(ILogger logger, string clusterId, long rootIno);
}
