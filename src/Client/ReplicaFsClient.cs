using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReplicaFs.Client.Buffers;
using ReplicaFs.Client.Diagnostics;
using ReplicaFs.Client.Files;
using ReplicaFs.Client.Http;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;
using ReplicaFs.Client.Sessions;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client;

/// <summary>
/// The ReplicaFs file-system client: namespace operations through the metadata server and byte-range file I/O on
/// top of chunks, every chunk read and written through quorum voting over its replicas (see docs/quorum-engine.md).
/// Errors are <see cref="PosixException"/>s carrying the errno the application should see; quorum failures are
/// <see cref="QuorumException"/>s (EIO). Thread-safe; one instance per mount or tool.
/// </summary>
public sealed class ReplicaFsClient : IAsyncDisposable
{
    private readonly Lock _openGate = new();
    private readonly Dictionary<long, OpenFile> _open = [];
    private readonly ServiceProvider? _ownedServices;
    private readonly ReplicaFsClientOptions _options;
    private readonly ILogger _logger;
    private readonly BackgroundWork _background = new();
    private readonly ReadRepairQueue _repairs;
    private readonly QuorumReader _reader;
    private readonly ChunkedFileIo _io;
    private readonly ClientSessionKeeper _session;
    private int _disposed;

    private ReplicaFsClient(IServiceProvider services, ServiceProvider? owned, ReplicaFsClientOptions options, ClusterConfig cluster, QuorumSettings quorum, ILoggerFactory loggerFactory)
    {
        _ownedServices = owned;
        _options = options;
        _logger = loggerFactory.CreateLogger<ReplicaFsClient>();
        Cluster = cluster;
        Quorum = quorum;
        Name = options.ClientName ?? ClientIdentity.Default;
        Metadata = services.GetRequiredService<IMetadataApi>();
        Latency = new ReplicaLatencyTracker();
        Budget = new BufferBudget(options.BufferBudgetBytes);

        var engineLogger = loggerFactory.CreateLogger("ReplicaFs.Client.Quorum");
        var transport = new ReplicaTransport(services.GetRequiredService<IDataServerClients>(), Latency, options);
        var reporter = new ClusterEventReporter(Metadata, Name, engineLogger);
        _repairs = new ReadRepairQueue(Metadata, transport, reporter, engineLogger, options.RepairQueueCapacity, options.RepairConcurrency, options.DrainTimeout);
        _reader = new QuorumReader(transport, Metadata, _repairs, reporter, _background, quorum.ReadQuorum, options.ByteSourceHedgeDelay, engineLogger);
        var writer = new QuorumWriter(Metadata, transport, _reader, reporter, _background, options, quorum.WriteQuorum, cluster.ChunkSize, engineLogger);
        _io = new ChunkedFileIo(Metadata, _reader, writer, Budget, options, cluster.ChunkSize);
        _session = new ClientSessionKeeper(
            Metadata,
            new RegisterClientRequest(options.SessionName, Environment.MachineName, Environment.ProcessId, quorum.ReadQuorum, quorum.WriteQuorum),
            TimeSpan.FromMilliseconds(Math.Max(100, cluster.HeartbeatTimeoutMs)),
            engineLogger);
    }

    /// <summary>The cluster's settings (replica count R, chunk size, …).</summary>
    public ClusterConfig Cluster { get; }

    /// <summary>Qr and Qw validated against R; <see cref="QuorumSettings.Describe"/> says whether they are strongly consistent.</summary>
    public QuorumSettings Quorum { get; }

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize => Cluster.ChunkSize;

    /// <summary>How this client names itself in events ("client:host/pid").</summary>
    public string Name { get; }

    /// <summary>The metadata server's API; every error arrives as a <see cref="PosixException"/> with the server's errno.</summary>
    public IMetadataApi Metadata { get; }

    /// <summary>Per data server latency and health, used to pick byte sources.</summary>
    public ReplicaLatencyTracker Latency { get; }

    /// <summary>The memory budget of all chunk buffers.</summary>
    public BufferBudget Budget { get; }

    /// <summary>This client's session id at the metadata server, once registered (null when meta keeps no sessions).</summary>
    public long? SessionId => _session.SessionId;

    /// <summary>Read repairs done, failed and still queued.</summary>
    public ReadRepairStatus Repairs => new(_repairs.Completed, _repairs.Failed, _repairs.Pending);

    /// <summary>
    /// Connects to the metadata server of <paramref name="options"/>: reads the cluster's R and chunk size and validates
    /// Qr and Qw against R.
    /// </summary>
    /// <exception cref="ArgumentException">An option or quorum is out of range; the message says which and why.</exception>
    /// <exception cref="PosixException">EIO: the metadata server is unreachable.</exception>
    public static async Task<ReplicaFsClient> ConnectAsync(ReplicaFsClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var services = new ServiceCollection().AddReplicaFsClientHttp(options).BuildServiceProvider();
        try
        {
            return await ConnectAsync(services, services, options, loggerFactory ?? NullLoggerFactory.Instance, cancellationToken);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects using services registered with <see cref="ReplicaFsClientHttp.AddReplicaFsClientHttp"/>.</summary>
    public static Task<ReplicaFsClient> ConnectAsync(IServiceProvider services, ReplicaFsClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(services, null, options, loggerFactory ?? NullLoggerFactory.Instance, cancellationToken);

    /// <summary>Waits until queued read repairs are done (bounded); true when none is left.</summary>
    public Task<bool> WaitForRepairsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _repairs.WaitIdleAsync(timeout, cancellationToken);

    // ---- Namespace -----------------------------------------------------------------------------------------------

    /// <summary>Attributes of an inode (getattr).</summary>
    public Task<InodeAttributes> GetAttributesAsync(long ino, CancellationToken cancellationToken = default) =>
        Metadata.GetAttributesAsync(ino, cancellationToken);

    /// <summary>Looks <paramref name="name"/> up in directory <paramref name="parent"/>.</summary>
    public Task<InodeAttributes> LookupAsync(long parent, string name, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        return Metadata.LookupAsync(parent, name, cancellationToken);
    }

    /// <summary>
    /// Looks <paramref name="name"/> up in directory <paramref name="parent"/>; null when it does not exist (ENOENT),
    /// without the cost of an exception: the kernel looks up every name before creating it, and builds probe many.
    /// </summary>
    /// <exception cref="PosixException">Any other failure (ENOTDIR, EIO …).</exception>
    public async Task<InodeAttributes?> FindAsync(long parent, string name, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        using var response = await Metadata.LookupAnswerAsync(parent, name, cancellationToken);
        return await MetaAnswers.ReadLookupAsync(response, name, cancellationToken);
    }

    /// <summary>Resolves an absolute path (symlinks are not followed).</summary>
    public Task<InodeAttributes> ResolveAsync(string path, CancellationToken cancellationToken = default) =>
        Metadata.ResolveAsync(path, cancellationToken);

    /// <summary>Every entry of a directory, fetching page after page.</summary>
    public async IAsyncEnumerable<DirectoryEntry> ReadDirectoryAsync(long ino, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? after = null;
        do
        {
            var page = await ReadDirectoryPageAsync(ino, after, null, cancellationToken);
            foreach (var entry in page.Entries)
            {
                yield return entry;
            }

            after = page.NextCookie;
        }
        while (after is not null);
    }

    /// <summary>
    /// One page of a directory listing (readdir with a cookie), in the compact binary encoding: a JSON page of 1,000
    /// entries took longer to write and read than to query. A server that answers JSON is read as JSON.
    /// </summary>
    public async Task<DirectoryPage> ReadDirectoryPageAsync(long ino, long? after, int? limit, CancellationToken cancellationToken = default)
    {
        using var response = await Metadata.ReadDirectoryCompactAsync(ino, after, limit, cancellationToken);
        return await MetaAnswers.ReadDirectoryPageAsync(response, ino, cancellationToken);
    }

    /// <summary>Creates a regular file (with <paramref name="exclusive"/> false, an existing file is returned: O_CREAT without O_EXCL).</summary>
    public Task<InodeAttributes> CreateFileAsync(long parent, string name, uint mode = 0x1A4, uint uid = 0, uint gid = 0, bool exclusive = true, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        return Metadata.CreateFileAsync(parent, new CreateFileRequest(name, mode, uid, gid, exclusive), cancellationToken);
    }

    /// <summary>Creates a regular file at an absolute path whose parent directory exists.</summary>
    public async Task<InodeAttributes> CreateFileAsync(string path, uint mode = 0x1A4, bool exclusive = true, CancellationToken cancellationToken = default)
    {
        var (parent, name) = await ResolveParentAsync(path, cancellationToken);
        return await CreateFileAsync(parent, name, mode, 0, 0, exclusive, cancellationToken);
    }

    /// <summary>Creates a directory.</summary>
    public Task<InodeAttributes> MakeDirectoryAsync(long parent, string name, uint mode = 0x1ED, uint uid = 0, uint gid = 0, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        return Metadata.MakeDirectoryAsync(parent, new MakeDirectoryRequest(name, mode, uid, gid), cancellationToken);
    }

    /// <summary>Creates a directory at an absolute path whose parent exists.</summary>
    public async Task<InodeAttributes> MakeDirectoryAsync(string path, uint mode = 0x1ED, CancellationToken cancellationToken = default)
    {
        var (parent, name) = await ResolveParentAsync(path, cancellationToken);
        return await MakeDirectoryAsync(parent, name, mode, 0, 0, cancellationToken);
    }

    /// <summary>Creates a symbolic link <paramref name="name"/> → <paramref name="target"/>.</summary>
    public Task<InodeAttributes> CreateSymlinkAsync(long parent, string name, string target, uint uid = 0, uint gid = 0, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        return Metadata.CreateSymlinkAsync(parent, new CreateSymlinkRequest(name, target, uid, gid), cancellationToken);
    }

    /// <summary>Creates a hard link <paramref name="name"/> to inode <paramref name="ino"/>.</summary>
    public Task<InodeAttributes> LinkAsync(long parent, string name, long ino, CancellationToken cancellationToken = default)
    {
        FileNames.EnsureValid(name);
        return Metadata.LinkAsync(parent, new LinkRequest(name, ino), cancellationToken);
    }

    /// <summary>Removes a non-directory entry (unlink); <paramref name="keepOrphan"/> keeps an inode that is still open here.</summary>
    public Task UnlinkAsync(long parent, string name, bool keepOrphan = false, CancellationToken cancellationToken = default) =>
        Metadata.UnlinkAsync(parent, name, keepOrphan, cancellationToken);

    /// <summary>Removes an empty directory.</summary>
    public Task RemoveDirectoryAsync(long parent, string name, CancellationToken cancellationToken = default) =>
        Metadata.RemoveDirectoryAsync(parent, name, cancellationToken);

    /// <summary>Renames an entry atomically.</summary>
    public Task RenameAsync(RenameRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        FileNames.EnsureValid(request.NewName);
        return Metadata.RenameAsync(request, cancellationToken);
    }

    /// <summary>Changes attributes (setattr); a size change is a truncate that first commits what this client buffered.</summary>
    public async Task<InodeAttributes> SetAttributesAsync(long ino, SetAttributesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Size is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size);
        }

        var file = request.Size is null ? null : Find(ino);
        if (file is not null)
        {
            await file.FlushAsync(cancellationToken);
        }

        var attributes = await Metadata.SetAttributesAsync(ino, request, cancellationToken);
        if (request.Size is not null)
        {
            file?.ApplyTruncate(attributes.Size);
        }

        return attributes;
    }

    /// <summary>Reads a symbolic link's target.</summary>
    public async Task<string> ReadLinkAsync(long ino, CancellationToken cancellationToken = default) =>
        (await Metadata.ReadLinkAsync(ino, cancellationToken)).Target;

    /// <summary>Frees an orphan inode that was kept while open.</summary>
    public Task ReclaimAsync(long ino, CancellationToken cancellationToken = default) => Metadata.ReclaimAsync(ino, cancellationToken);

    /// <summary>File-system totals (statfs).</summary>
    public Task<FileSystemStats> StatFsAsync(CancellationToken cancellationToken = default) => Metadata.StatFsAsync(cancellationToken);

    /// <summary>Names of an inode's extended attributes.</summary>
    public async Task<IReadOnlyList<string>> ListExtendedAttributesAsync(long ino, CancellationToken cancellationToken = default) =>
        (await Metadata.ListExtendedAttributesAsync(ino, cancellationToken)).Names;

    /// <summary>The value of one extended attribute (ENODATA when absent).</summary>
    public async Task<byte[]> GetExtendedAttributeAsync(long ino, string name, CancellationToken cancellationToken = default)
    {
        using var response = await Metadata.GetExtendedAttributeAsync(ino, name, cancellationToken);

        // Refit hands an HttpResponseMessage back as it is, error or not: a 404 (ENODATA) must not pass for the value.
        if (await MetaErrors.FromResponseAsync(response) is { } error)
        {
            throw error;
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Sets one extended attribute.</summary>
    public async Task SetExtendedAttributeAsync(long ino, string name, ReadOnlyMemory<byte> value, ExtendedAttributeMode mode = ExtendedAttributeMode.Any, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(value);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Contracts.Chunks.ChunkHeaders.OctetStream);
        await Metadata.SetExtendedAttributeAsync(ino, name, content, mode, cancellationToken);
    }

    /// <summary>Removes one extended attribute.</summary>
    public Task RemoveExtendedAttributeAsync(long ino, string name, CancellationToken cancellationToken = default) =>
        Metadata.RemoveExtendedAttributeAsync(ino, name, cancellationToken);

    // ---- File data -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> with quorum reads (no caching,
    /// except that a file open in this client is read through its handles' buffers); returns the count, short at the end.
    /// </summary>
    /// <exception cref="QuorumException">A chunk could not be read with Qr agreeing replicas (EIO).</exception>
    public Task<int> ReadAsync(long ino, long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var file = Find(ino);
        return file is not null
            ? file.ReadAsync(offset, buffer, sequential: false, cancellationToken)
            : _io.ReadAsync(ino, offset, buffer, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> with quorum writes and commits it before returning;
    /// the rest of each chunk and the file's tail stay intact. Returns the attributes after the last commit.
    /// </summary>
    /// <exception cref="QuorumException">A chunk could not reach Qw (EIO); that batch committed nothing.</exception>
    public async Task<InodeAttributes?> WriteAsync(long ino, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var attributes = await _io.WriteAsync(ino, offset, data, cancellationToken);
        if (attributes is not null)
        {
            Find(ino)?.InvalidateCaches(attributes.Size);
        }

        return attributes;
    }

    /// <summary>Sets the file size: growing reads as zeros, shrinking drops the tail (a metadata setattr).</summary>
    public Task<InodeAttributes> TruncateAsync(long ino, long size, CancellationToken cancellationToken = default) =>
        SetAttributesAsync(ino, new SetAttributesRequest(Size: size), cancellationToken);

    /// <summary>Opens a regular file for the FUSE layer: see <see cref="FileHandle"/>.</summary>
    /// <exception cref="PosixException">ENOENT, EISDIR, or EIO when the metadata server is unreachable.</exception>
    public async Task<FileHandle> OpenFileAsync(long ino, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        OpenFile file;
        lock (_openGate)
        {
            if (!_open.TryGetValue(ino, out file!))
            {
                file = new OpenFile(ino, Metadata, _io, _reader, Budget, _options, _logger);
                _open[ino] = file;
            }

            file.References++;
        }

        try
        {
            var attributes = await file.RefreshAsync(cancellationToken);
            return new FileHandle(this, file, file.ErrorCount, attributes);
        }
        catch
        {
            Release(file);
            throw;
        }
    }

    /// <summary>Flushes open files (bounded), waits for read repairs and late acknowledgements (bounded), and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<OpenFile> open;
        lock (_openGate)
        {
            open = [.. _open.Values];
        }

        try
        {
            await Task.WhenAll(open.Select(f => f.FlushAsync(CancellationToken.None))).WaitAsync(_options.DrainTimeout);
        }
        catch (TimeoutException)
        {
            // Handles left open past the drain time lose their buffered writes, as a crashed process would.
        }

        foreach (var file in open)
        {
            file.Dispose();
        }

        await _background.DrainAsync(_options.DrainTimeout);
        await _repairs.DisposeAsync();
        await _session.DisposeAsync();
        _background.Dispose();
        if (_ownedServices is not null)
        {
            await _ownedServices.DisposeAsync();
        }
    }

    /// <summary>Called by a handle when it closes.</summary>
    internal void Release(OpenFile file)
    {
        var last = false;
        lock (_openGate)
        {
            file.References--;
            if (file.References == 0 && _open.TryGetValue(file.Ino, out var current) && ReferenceEquals(current, file))
            {
                _open.Remove(file.Ino);
                last = true;
            }
        }

        if (last)
        {
            file.Dispose();
        }
    }

    private static async Task<ReplicaFsClient> ConnectAsync(IServiceProvider services, ServiceProvider? owned, ReplicaFsClientOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        options.Validate();
        var meta = services.GetRequiredService<IMetadataApi>();
        var cluster = await meta.GetConfigAsync(cancellationToken);
        options.ValidateFor(cluster.ChunkSize);
        var majority = (cluster.Replicas / 2) + 1;
        var quorum = QuorumSettings.Create(options.ReadQuorum ?? majority, options.WriteQuorum ?? majority, cluster.Replicas);
        var client = new ReplicaFsClient(services, owned, options, cluster, quorum, loggerFactory);
        ClientLog.Connected(client._logger, options.MetaUrl, cluster.ClusterId, cluster.ChunkSize, quorum.ReadQuorum, quorum.WriteQuorum, quorum.Replicas);
        if (!quorum.IsStronglyConsistent)
        {
            ClientLog.WeakQuorum(client._logger, quorum.ReadQuorum, quorum.WriteQuorum, quorum.Replicas);
        }

        return client;
    }

    private async Task<(long Parent, string Name)> ResolveParentAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path[0] != '/')
        {
            throw new PosixException(Errno.EINVAL, $"'{path}' is not an absolute path.");
        }

        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var name = trimmed[(slash + 1)..];
        var parentPath = slash == 0 ? "/" : trimmed[..slash];
        var parent = await Metadata.ResolveAsync(parentPath, cancellationToken);
        if (parent.Kind != FileKind.Directory)
        {
            throw new PosixException(Errno.ENOTDIR, $"'{parentPath}' is not a directory.");
        }

        return (parent.Ino, name);
    }

    private OpenFile? Find(long ino)
    {
        lock (_openGate)
        {
            return _open.GetValueOrDefault(ino);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}

/// <summary>Counters of the client's read repair.</summary>
/// <param name="Completed">Replicas repaired and reported Ok.</param>
/// <param name="Failed">Repairs that failed.</param>
/// <param name="Pending">Repairs queued or running.</param>
public readonly record struct ReadRepairStatus(long Completed, long Failed, int Pending);
