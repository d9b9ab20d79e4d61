using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Client;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;
using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// The ReplicaFs POSIX file system over the quorum client (<see cref="ReplicaFsClient"/>), served through the
/// low-level FUSE binding. Node ids are the metadata server's inode numbers (the root is 1 on both sides; inode numbers
/// are never reused, so the generation is always 1). Namespace operations are one metadata call each; file data goes
/// through the client's handles (write-behind dirty-chunk buffer, read-ahead, quorum reads and writes). Every reply is
/// sent when its HTTP call completes; no loop thread waits. Errors reach the application as the exact errno the
/// metadata server gave; quorum failures are EIO. See docs/fuse-filesystem.md.
/// </summary>
public sealed partial class ReplicaFileSystem : FuseFileSystem, IAsyncDisposable
{
    private const ulong RootNode = 1;
    private const ulong Generation = 1;
    private const uint PermissionBits = 0xFFF;
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    private readonly ReplicaFsClient _client;
    private readonly ReplicaFileSystemOptions _options;
    private readonly ILogger _logger;
    private readonly NodeTable _nodes = new();
    private readonly ConcurrentDictionary<ulong, OpenHandle> _handles = new();
    private readonly ConcurrentDictionary<ulong, DirectoryListing> _listings = new();
    private readonly BackgroundTasks _background;
    private long _nextHandle;
    private FuseMount? _mount;
    private int _disposed;

    /// <summary>A file system over <paramref name="client"/>, which the caller keeps owning (dispose it after this).</summary>
    public ReplicaFileSystem(ReplicaFsClient client, ReplicaFileSystemOptions? options = null, ILogger<ReplicaFileSystem>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new ReplicaFileSystemOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _background = new BackgroundTasks(_logger);
    }

    /// <summary>Running totals of the requests served.</summary>
    public ReplicaFileSystemCounters Counters { get; } = new();

    /// <summary>The options in use.</summary>
    public ReplicaFileSystemOptions Options => _options;

    /// <summary>Files open through this mount right now.</summary>
    public int OpenFiles => _handles.Count;

    /// <summary>The lookup count the kernel holds on <paramref name="nodeId"/> (for tests of the lookup contract).</summary>
    public ulong LookupCountOf(ulong nodeId) => _nodes.LookupsOf(nodeId);

    /// <summary>
    /// Lets the file system drop kernel caches it knows to be wrong (an O_APPEND write that landed elsewhere than the
    /// kernel assumed). Call once, after mounting.
    /// </summary>
    public void AttachMount(FuseMount mount) => _mount = mount;

    /// <inheritdoc />
    public override void Init(ConnectionSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // A symlink's target never changes (a new target is a new inode), so the kernel may cache it.
        if ((connection.Capable & FuseCapabilities.CacheSymlinks) != 0)
        {
            connection.Want |= FuseCapabilities.CacheSymlinks;
        }

        // Times are stored with nanoseconds.
        connection.TimeGranularity = 1;
        ReplicaFsLog.Connected(_logger, connection.MaxWrite, connection.MaxReadahead, connection.MaxBackground, (uint)connection.Want);
    }

    /// <summary>Flushes and closes files still open (only after an unusual unmount), reclaims their orphans, waits for background work.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var leftovers = _handles.Values.ToList();
        if (leftovers.Count > 0)
        {
            ReplicaFsLog.ClosingLeftovers(_logger, leftovers.Count);
            foreach (var handle in leftovers)
            {
                await ReleaseHandleAsync(handle);
            }
        }

        await _background.DrainAsync(ShutdownTimeout);
    }

    // ---- Shared helpers ----------------------------------------------------------------------------------------

    private static bool IsDirectory(InodeAttributes attributes) => attributes.Kind == FileKind.Directory;

    /// <summary>An entry for the kernel, counted as one lookup (the binding gives it back if the reply fails).</summary>
    private FuseEntry CountedEntry(InodeAttributes attributes, ulong parent)
    {
        var nodeId = NodeIdOf(attributes);
        _nodes.AddLookup(nodeId, IsDirectory(attributes) ? parent : 0);
        return Entry(attributes);
    }

    private FuseEntry Entry(InodeAttributes attributes) =>
        new(NodeIdOf(attributes), Generation, Describe(attributes), _options.AttributeTimeout, _options.EntryTimeout);

    private NodeAttributes Describe(InodeAttributes attributes) => _nodes.Describe(attributes, _options.IoBlockSize);

    private TimedAttributes Timed(InodeAttributes attributes) => new(Describe(attributes), _options.AttributeTimeout);

    private static ulong NodeIdOf(InodeAttributes attributes) => (ulong)attributes.Ino;

    private FuseResult<FuseEntry> NotFound() =>
        _options.NegativeTimeout > TimeSpan.Zero ? FuseEntry.Negative(_options.NegativeTimeout) : Errno.ENOENT;

    private Errno Fail(Exception exception, string operation, ulong nodeId) =>
        Failures.ToErrno(exception, _logger, operation, nodeId);

    /// <summary>Decodes a name the caller wants to create: ENAMETOOLONG, EILSEQ for bytes that are not UTF-8.</summary>
    private static Errno NewName(ReadOnlyMemory<byte> name, out string text) => EntryNames.Decode(name.Span, out text);

    /// <summary>Decodes the name of something that should exist: a name that cannot be stored cannot exist (ENOENT).</summary>
    private static Errno ExistingName(ReadOnlyMemory<byte> name, out string text)
    {
        var errno = EntryNames.Decode(name.Span, out text);
        return errno == Errno.EILSEQ ? Errno.ENOENT : errno;
    }

    private void ScheduleReclaim(ulong nodeId) =>
        _background.Run("reclaim", async () =>
        {
            try
            {
                await _client.ReclaimAsync((long)nodeId);
                ReplicaFsLog.Reclaimed(_logger, nodeId);
            }
            catch (PosixException e) when (e.Errno is Errno.ENOENT or Errno.EBUSY)
            {
                // Gone already, or it still has another name (the unlink removed one of several links).
            }
            catch (Exception e)
            {
                ReplicaFsLog.ReclaimFailed(_logger, nodeId, e.Message);
            }
        });

    /// <summary>Drops the kernel's cached pages and attributes of a file, from a pool thread (never inside a request for it).</summary>
    private void ScheduleInvalidation(ulong nodeId)
    {
        if (_mount is not { } mount)
        {
            return;
        }

        _background.Run("invalidate", () =>
        {
            var errno = mount.InvalidateNode(nodeId);
            ReplicaFsLog.InvalidationResult(_logger, nodeId, errno);
            return Task.CompletedTask;
        });
    }
}
