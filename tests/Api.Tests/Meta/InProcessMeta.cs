using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta;
using ReplicaFs.Api.Meta.ChunkMap;
using ReplicaFs.Api.Meta.Clients;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Healing;
using ReplicaFs.Api.Meta.Health;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage.Sqlite;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>
/// The metadata server's services over a real SQLite database in a directory, on a fake clock, without HTTP: for
/// the decisions that depend on time (membership timeouts, re-replication delays, session expiry).
/// </summary>
internal sealed class InProcessMeta : IDisposable
{
    private InProcessMeta(MetaServerOptions options, FakeTimeProvider clock)
    {
        Options = options;
        Clock = clock;
        Database = new SqliteMetaDatabase(NullLogger<SqliteMetaDatabase>.Instance);
        Settings = new ActiveClusterSettings(options);
        Tracker = new HeartbeatTracker(clock, options.HeartbeatTimeout);
        Activity = new ServerActivityStore();
        Membership = new MembershipService(Database, Settings, Tracker, Activity, clock, NullLogger<MembershipService>.Instance);
        Writer = new NamespaceWriter(Database, clock);
        Leases = new LeaseService(Database, Settings, clock);
        Commits = new CommitService(Database, Settings, clock);
        Reports = new ReplicaReportService(Database, clock);
        ReReplicationStatus = new ReReplicationStatus();
        ReReplication = new ReReplicationPlanner(Database, Settings, options, ReReplicationStatus, clock);
        Clients = new ClientSessionRegistry(Database, Settings, options, clock);
        Health = new HealthService(Database, Settings, Clients, ReReplication, ReReplicationStatus, clock);
        Assignments = new AssignmentService(Database, new UnavailableChunkNotices(), clock);
    }

    public MetaServerOptions Options { get; }

    public FakeTimeProvider Clock { get; }

    public SqliteMetaDatabase Database { get; }

    public ActiveClusterSettings Settings { get; }

    public HeartbeatTracker Tracker { get; }

    public ServerActivityStore Activity { get; }

    public MembershipService Membership { get; }

    public NamespaceWriter Writer { get; }

    public LeaseService Leases { get; }

    public CommitService Commits { get; }

    public ReplicaReportService Reports { get; }

    public ReReplicationStatus ReReplicationStatus { get; }

    public ReReplicationPlanner ReReplication { get; }

    public ClientSessionRegistry Clients { get; }

    public HealthService Health { get; }

    public AssignmentService Assignments { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Opens (or creates) the metadata in the options' data directory as a start of meta would.</summary>
    public static async Task<InProcessMeta> StartAsync(MetaServerOptions options, FakeTimeProvider clock)
    {
        var meta = new InProcessMeta(options, clock);
        try
        {
            await new MetaStartup(meta.Database, options, meta.Settings, meta.Membership, clock, NullLogger<MetaStartup>.Instance).StartAsync(Token);
            return meta;
        }
        catch
        {
            meta.Dispose();
            throw;
        }
    }

    /// <summary>Registers made-up server number <paramref name="n"/>; returns its id.</summary>
    public async Task<int> RegisterAsync(int n, string? name = null) =>
        (await Membership.RegisterAsync(FakeDataServers.Request(n) with { Name = name }, Token)).ServerId;

    /// <summary>A heartbeat of made-up server number <paramref name="n"/>.</summary>
    public Task<HeartbeatResponse> HeartbeatAsync(int serverId, int n, bool crashed = false) =>
        Membership.HeartbeatAsync(serverId, new HeartbeatRequest($"instance-{n}", new DataServerStats(0, 0, 1L << 30, 1L << 29), null, crashed), Token);

    /// <summary>A new file in the root with <paramref name="chunks"/> committed chunks, acknowledged by every replica; returns its inode and leases.</summary>
    public async Task<(long Ino, IReadOnlyList<WriteLease> Leases)> WriteFileAsync(string name, int chunks)
    {
        var (file, _) = await Writer.CreateFileAsync(1, new CreateFileRequest(name, 0x1A4, 0, 0), Token);
        var leases = (await Leases.AcquireAsync(file.Ino, new LeaseRequest([.. Enumerable.Range(0, chunks).Select(i => (long)i)]), Token)).Leases;
        await Commits.CommitAsync(file.Ino, new CommitRequest([.. leases.Select(l => ChunkTestExtensions.CommitOf(l, 100))], 0), Token);
        return (file.Ino, leases);
    }

    /// <summary>One chunk with its replicas.</summary>
    public Task<ChunkInfo> ChunkAsync(long chunkId) => new ChunkMapReader(Database, Settings).GetChunkAsync(chunkId, Token);

    public void Dispose() => Database.Dispose();
}
