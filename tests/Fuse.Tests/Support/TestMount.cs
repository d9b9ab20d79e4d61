using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>
/// A file system mounted in-process on a fresh temp directory. Disposal unmounts (waiting up to 10 s), and in any
/// case lazily unmounts whatever is left on the directory and deletes it.
/// </summary>
internal sealed class TestMount : IAsyncDisposable
{
    private readonly Microsoft.Extensions.Logging.ILoggerFactory _loggerFactory;

    private TestMount(string directory, FuseMount mount, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        Root = directory;
        Mount = mount;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The default options of test mounts.</summary>
    public static FuseMountOptions DefaultOptions { get; } = new()
    {
        FileSystemName = "fusetest",
        Subtype = "fusetest",
        InitTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>The mount point.</summary>
    public string Root { get; }

    public FuseMount Mount { get; }

    public static async Task<TestMount> StartAsync(FuseFileSystem fileSystem, FuseMountOptions? options = null)
    {
        var directory = TempDirectory.Create("mnt");
        var loggerFactory = TestOutputLoggerProvider.CreateFactory();
        try
        {
            var mount = await FuseMount.MountAsync(directory, fileSystem, options ?? DefaultOptions, loggerFactory, TestContext.Current.CancellationToken);
            return new TestMount(directory, mount, loggerFactory);
        }
        catch
        {
            loggerFactory.Dispose();
            TempDirectory.Remove(directory);
            throw;
        }
    }

    /// <summary>A path inside the mount.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Mount.UnmountAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            TempDirectory.Remove(Root);
            _loggerFactory.Dispose();
        }
    }
}
