using Microsoft.Extensions.Logging;
using ReplicaFs.Client;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.ReplicaFs;
using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// ReplicaFs mounted in-process on a fresh temp directory over a real <see cref="TestCluster"/>: its own quorum client,
/// the file system and the FUSE session. Disposal unmounts (bounded), closes the client, and in any case lazily
/// unmounts what is left and deletes the directory. Logs go to a file in the cluster's log folder.
/// </summary>
internal sealed class ClusterMount : IAsyncDisposable
{
    private static int _counter;
    private readonly ILoggerFactory _loggerFactory;
    private readonly FileLoggerProvider _log;
    private readonly bool _ownsDirectory;
    private bool _unmounted;

    private ClusterMount(TestCluster cluster, string root, bool ownsDirectory, ReplicaFsClient client, ReplicaFileSystem fileSystem, FuseMount mount, ILoggerFactory loggerFactory, FileLoggerProvider log)
    {
        Cluster = cluster;
        Root = root;
        _ownsDirectory = ownsDirectory;
        Client = client;
        FileSystem = fileSystem;
        Mount = mount;
        _loggerFactory = loggerFactory;
        _log = log;
    }

    public TestCluster Cluster { get; }

    /// <summary>The mount point.</summary>
    public string Root { get; }

    public ReplicaFsClient Client { get; }

    public ReplicaFileSystem FileSystem { get; }

    public FuseMount Mount { get; }

    /// <summary>Mounts on a new temp directory (or on <paramref name="directory"/>, which the caller then owns).</summary>
    public static async Task<ClusterMount> StartAsync(
        TestCluster cluster,
        int? readQuorum = null,
        int? writeQuorum = null,
        ReplicaFileSystemOptions? options = null,
        string? directory = null,
        Func<ReplicaFsClientOptions, ReplicaFsClientOptions>? configure = null)
    {
        var root = directory ?? TempDirectory.Create("rfs");
        var number = Interlocked.Increment(ref _counter);
        var loggerFactory = FileLoggerProvider.CreateFactory(Path.Combine(cluster.RootDirectory, "logs", $"mount-{number}.log"), out var log);
        ReplicaFsClient? client = null;
        try
        {
            var clientOptions = new ReplicaFsClientOptions
            {
                MetaUrl = cluster.MetaUrl,
                ReadQuorum = readQuorum,
                WriteQuorum = writeQuorum,
                SessionName = $"test mount {root}",
                LateAckWindow = TimeSpan.FromSeconds(2),
            };
            client = await ReplicaFsClient.ConnectAsync(configure?.Invoke(clientOptions) ?? clientOptions, loggerFactory, TestContext.Current.CancellationToken);
            var fileSystem = new ReplicaFileSystem(client, options, loggerFactory.CreateLogger<ReplicaFileSystem>());
            var mountOptions = TestMount.DefaultOptions with { FileSystemName = "replicafs", Subtype = "replicafs" };
            var mount = await FuseMount.MountAsync(root, fileSystem, mountOptions, loggerFactory, TestContext.Current.CancellationToken);
            fileSystem.AttachMount(mount);
            return new ClusterMount(cluster, mount.MountPoint, directory is null, client, fileSystem, mount, loggerFactory, log);
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }

            loggerFactory.Dispose();
            if (directory is null)
            {
                TempDirectory.Remove(root);
            }

            throw;
        }
    }

    /// <summary>A path inside the mount.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A fresh, empty directory inside the mount for one test.</summary>
    public string NewDirectory(string prefix = "t")
    {
        var path = PathOf($"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The mount's log so far.</summary>
    public string Log() => _log.Tail();

    /// <summary>Unmounts and closes the client, keeping the directory (for a remount on it).</summary>
    public async Task UnmountAsync()
    {
        if (_unmounted)
        {
            return;
        }

        _unmounted = true;
        try
        {
            Assert.True(await Mount.UnmountAsync(TimeSpan.FromSeconds(20)), $"{Root} did not unmount within 20 s:\n{Log()}");
        }
        finally
        {
            await FileSystem.DisposeAsync();
            await Client.DisposeAsync();
            _loggerFactory.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_unmounted)
            {
                _unmounted = true;
                try
                {
                    await Mount.UnmountAsync(TimeSpan.FromSeconds(10));
                }
                finally
                {
                    await FileSystem.DisposeAsync();
                    await Client.DisposeAsync();
                    _loggerFactory.Dispose();
                }
            }
        }
        finally
        {
            if (_ownsDirectory)
            {
                TempDirectory.Remove(Root);
            }
        }
    }
}
