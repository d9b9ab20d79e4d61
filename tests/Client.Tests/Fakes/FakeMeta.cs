using System.Collections.Concurrent;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Fakes;

/// <summary>
/// An in-memory metadata server with the chunk-map semantics of the contract (leases, compare-and-swap commits,
/// truncate rules, replica reports, events), for unit tests of the quorum engine. Errors are thrown as the
/// <see cref="PosixException"/>s the real client sees after errno mapping.
/// </summary>
internal sealed class FakeMeta(int replicas, int chunkSize, IReadOnlyList<(int Id, string Url)> servers) : IMetadataApi
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, FileRecord> _files = [];
    private readonly Dictionary<long, ChunkRecord> _chunks = [];
    private long _nextIno = 100;
    private long _nextChunkId = 1;
    private long _nextVersion = 1;
    private long _nextEvent = 1;
    private long _nextSession;

    public ConcurrentQueue<WriteFailureReport> WriteFailures { get; } = new();

    public ConcurrentQueue<(long ChunkId, ReplicaReport Report)> ReplicaReports { get; } = new();

    public ConcurrentQueue<ClusterEvent> Events { get; } = new();

    public ConcurrentQueue<CommitRequest> Commits { get; } = new();

    public ConcurrentDictionary<long, ClientSession> Sessions { get; } = new();

    public int SessionRenewals;

    public int LeaseCalls;
    public int CommitCalls;

    /// <summary>Runs before a commit is applied (to simulate another writer committing first).</summary>
    public Func<long, CommitRequest, Task>? BeforeCommit { get; set; }

    /// <summary>Replica sets handed out for new chunks: the first R servers unless set.</summary>
    public Func<long, IReadOnlyList<(int Id, string Url)>>? Placement { get; set; }

    public long NewFile()
    {
        lock (_gate)
        {
            var ino = _nextIno++;
            _files[ino] = new FileRecord();
            return ino;
        }
    }

    /// <summary>The committed chunk at an index (null if none).</summary>
    public ChunkInfo? Chunk(long ino, long index)
    {
        lock (_gate)
        {
            return _files[ino].Chunks.TryGetValue(index, out var id) && _chunks[id].Version > 0 ? ToInfo(_chunks[id]) : null;
        }
    }

    public long SizeOf(long ino)
    {
        lock (_gate)
        {
            return _files[ino].Size;
        }
    }

    public Task<ClusterConfig> GetConfigAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new ClusterConfig("fake", replicas, chunkSize, ChunkChecksum.BlockSize, 200, 2000));

    public Task<InodeAttributes> GetAttributesAsync(long ino, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Attributes(ino));
        }
    }

    public Task<InodeAttributes> SetAttributesAsync(long ino, SetAttributesRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var file = File(ino);
            if (request.Size is { } size)
            {
                foreach (var (index, id) in file.Chunks.ToList())
                {
                    var start = index * chunkSize;
                    if (start >= size)
                    {
                        file.Chunks.Remove(index);
                        _chunks.Remove(id);
                    }
                    else if (_chunks[id].Length > size - start)
                    {
                        _chunks[id].Length = size - start;
                    }
                }

                file.Size = size;
            }

            return Task.FromResult(Attributes(ino));
        }
    }

    public Task<ChunkMapPage> GetChunksAsync(long ino, long from = 0, int? count = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var file = File(ino);
            var to = from + (count ?? int.MaxValue);
            var chunks = file.Chunks.Where(c => c.Key >= from && c.Key < to && _chunks[c.Value].Version > 0)
                .OrderBy(c => c.Key).Select(c => ToInfo(_chunks[c.Value])).ToList();
            return Task.FromResult(new ChunkMapPage(ino, file.Size, chunkSize, chunks));
        }
    }

    public Task<LeaseResponse> AcquireLeasesAsync(long ino, LeaseRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref LeaseCalls);
        lock (_gate)
        {
            var file = File(ino);
            var leases = new List<WriteLease>();
            foreach (var index in request.Indexes)
            {
                if (!file.Chunks.TryGetValue(index, out var id))
                {
                    id = _nextChunkId++;
                    var placement = Placement?.Invoke(index) ?? servers.Take(replicas).ToList();
                    _chunks[id] = new ChunkRecord(id, index, placement.Select(s => new ReplicaInfo(s.Id, s.Url, ReplicaState.Ok, 0)).ToList());
                    file.Chunks[index] = id;
                }

                var chunk = _chunks[id];
                leases.Add(new WriteLease(id, index, _nextVersion++, chunk.Version, chunk.Replicas.Select(r => new ReplicaTarget(r.ServerId, r.Url)).ToList()));
            }

            return Task.FromResult(new LeaseResponse(leases));
        }
    }

    public async Task<InodeAttributes> CommitAsync(long ino, CommitRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref CommitCalls);
        if (BeforeCommit is { } hook)
        {
            await hook(ino, request);
        }

        lock (_gate)
        {
            var file = File(ino);
            foreach (var commit in request.Commits)
            {
                if (!_chunks.TryGetValue(commit.ChunkId, out var chunk))
                {
                    throw new PosixException(Errno.ESTALE, $"Chunk {commit.ChunkId} no longer exists.");
                }

                if (chunk.Version != commit.BaseVersion)
                {
                    throw new PosixException(Errno.ESTALE, $"Chunk {commit.ChunkId} is at version {chunk.Version}, not {commit.BaseVersion}.");
                }
            }

            foreach (var commit in request.Commits)
            {
                var chunk = _chunks[commit.ChunkId];
                chunk.Version = commit.Version;
                chunk.Length = commit.Length;
                chunk.Checksum = commit.Checksum;
                chunk.Replicas = chunk.Replicas.Select(r => commit.Acknowledged.Contains(r.ServerId)
                    ? r with { State = ReplicaState.Ok, Version = commit.Version }
                    : r with { State = ReplicaState.Stale }).ToList();
            }

            file.Size = Math.Max(file.Size, request.MinSize);
            Commits.Enqueue(request);
            return Attributes(ino);
        }
    }

    public Task ReportWriteFailureAsync(long ino, WriteFailureReport report, CancellationToken cancellationToken = default)
    {
        WriteFailures.Enqueue(report);
        return Task.CompletedTask;
    }

    public Task<ChunkInfo> GetChunkAsync(long chunkId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _chunks.TryGetValue(chunkId, out var chunk) && chunk.Version > 0
                ? Task.FromResult(ToInfo(chunk))
                : throw new PosixException(Errno.ENOENT, $"No chunk {chunkId}.");
        }
    }

    public Task<ChunkInfo> ReportReplicaAsync(long chunkId, ReplicaReport report, CancellationToken cancellationToken = default)
    {
        ReplicaReports.Enqueue((chunkId, report));
        lock (_gate)
        {
            var chunk = _chunks[chunkId];
            chunk.Replicas = chunk.Replicas.Select(r => r.ServerId == report.ServerId ? r with { State = report.State, Version = report.Version } : r).ToList();
            return Task.FromResult(ToInfo(chunk));
        }
    }

    public Task<ClusterEvent> AddEventAsync(NewEvent newEvent, CancellationToken cancellationToken = default)
    {
        var e = new ClusterEvent(Interlocked.Increment(ref _nextEvent), DateTimeOffset.UtcNow, newEvent.Kind, newEvent.Severity, newEvent.Message, newEvent.Source, newEvent.ServerId, newEvent.Ino, newEvent.ChunkId, null);
        Events.Enqueue(e);
        return Task.FromResult(e);
    }

    /// <summary>Commits a version of a chunk as another writer would (test setup for races).</summary>
    public void ForceCommit(long chunkId, long version, long length, string checksum)
    {
        lock (_gate)
        {
            var chunk = _chunks[chunkId];
            chunk.Version = version;
            chunk.Length = length;
            chunk.Checksum = checksum;
        }
    }

    public long NextVersion()
    {
        lock (_gate)
        {
            return _nextVersion++;
        }
    }

    public Task<InodeAttributes> LookupAsync(long parent, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<HttpResponseMessage> LookupAnswerAsync(long parent, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<HttpResponseMessage> ReadDirectoryCompactAsync(long ino, long? after = null, int? limit = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<InodeAttributes> ResolveAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DirectoryPage> ReadDirectoryAsync(long ino, long? after = null, int? limit = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<InodeAttributes> CreateFileAsync(long parent, CreateFileRequest request, CancellationToken cancellationToken = default)
    {
        var ino = NewFile();
        return GetAttributesAsync(ino, cancellationToken);
    }

    public Task<InodeAttributes> MakeDirectoryAsync(long parent, MakeDirectoryRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<InodeAttributes> CreateSymlinkAsync(long parent, CreateSymlinkRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<InodeAttributes> LinkAsync(long parent, LinkRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task UnlinkAsync(long parent, string name, bool keepOrphan = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RemoveDirectoryAsync(long parent, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RenameAsync(RenameRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SymlinkTarget> ReadLinkAsync(long ino, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task ReclaimAsync(long ino, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<FileSystemStats> StatFsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ExtendedAttributeNames> ListExtendedAttributesAsync(long ino, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<HttpResponseMessage> GetExtendedAttributeAsync(long ino, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task SetExtendedAttributeAsync(long ino, string name, HttpContent value, ExtendedAttributeMode mode = ExtendedAttributeMode.Any, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task RemoveExtendedAttributeAsync(long ino, string name, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<RegisterResponse> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<HeartbeatResponse> HeartbeatAsync(int serverId, HeartbeatRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<DataServerInfo>> GetServersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DataServerInfo> GetServerAsync(int serverId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<EventPage> GetEventsAsync(long after = 0, int? limit = null, string? kind = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ClusterHealth> GetHealthAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ReplicaAssignmentPage> GetAssignmentsAsync(int serverId, int? limit = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<GarbageCheckResponse> CheckGarbageAsync(int serverId, GarbageCheckRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ClientSession> RegisterClientAsync(RegisterClientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = DateTimeOffset.UtcNow;
        var session = new ClientSession(Interlocked.Increment(ref _nextSession), request.Name, request.Host, request.Pid, request.ReadQuorum, request.WriteQuorum, request.ReadQuorum + request.WriteQuorum > replicas, now, now);
        Sessions[session.Id] = session;
        return Task.FromResult(session);
    }

    public Task<ClientSession> RenewClientAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref SessionRenewals);
        return Sessions.TryGetValue(sessionId, out var session)
            ? Task.FromResult(Sessions[sessionId] = session with { LastSeen = DateTimeOffset.UtcNow })
            : throw new PosixException(Errno.ENOENT, $"No client session {sessionId}.");
    }

    public Task EndClientAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        Sessions.TryRemove(sessionId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ClientSession>> GetClientsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ClientSession>>([.. Sessions.Values]);

    private FileRecord File(long ino) =>
        _files.TryGetValue(ino, out var file) ? file : throw new PosixException(Errno.ENOENT, $"No inode {ino}.");

    private InodeAttributes Attributes(long ino)
    {
        var file = File(ino);
        var now = new Timestamp(0, 0);
        return new InodeAttributes(ino, FileKind.File, PosixMode.Make(FileKind.File, 0x1A4), 0, 0, file.Size, 1, now, now, now, 1);
    }

    private static ChunkInfo ToInfo(ChunkRecord c) => new(c.ChunkId, c.Index, c.Version, c.Length, c.Checksum, c.Replicas.ToList());

    private sealed class FileRecord
    {
        public long Size { get; set; }

        public Dictionary<long, long> Chunks { get; } = [];
    }

    private sealed class ChunkRecord(long chunkId, long index, List<ReplicaInfo> replicas)
    {
        public long ChunkId { get; } = chunkId;

        public long Index { get; } = index;

        public long Version { get; set; }

        public long Length { get; set; }

        public string Checksum { get; set; } = ChunkChecksum.Format(ChunkChecksum.Compute([]));

        public List<ReplicaInfo> Replicas { get; set; } = replicas;
    }
}
