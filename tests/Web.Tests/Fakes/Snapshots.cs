using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>Cluster snapshots in the states the pages must show: loading, unreachable, no health, healthy, degraded.</summary>
public static class Snapshots
{
    public const string MetaUrl = "http://127.0.0.1:51234";
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static ClusterSnapshot Loading(DashboardMode mode = DashboardMode.Remote) =>
        new() { MetaUrl = MetaUrl, Mode = mode, TakenAt = Now };

    public static ClusterSnapshot MetaUnreachable() => Loading() with
    {
        Sequence = 1,
        Health = Fetched.Loading<ClusterHealth>().Failure("cannot reach the server: Connection refused"),
        Servers = Fetched.Loading<IReadOnlyList<DataServerInfo>>().Failure("cannot reach the server: Connection refused"),
        EventsError = "cannot reach the server: Connection refused",
    };

    public static ClusterSnapshot HealthMissing() => Loading() with
    {
        Sequence = 1,
        Health = Fetched.Loading<ClusterHealth>().Failure("HTTP 404: /api/cluster/health was not found"),
        Servers = Fetched.Success<IReadOnlyList<DataServerInfo>>([Server(1), Server(2), Server(3)], Now),
        Config = Fetched.Success(Config, Now),
    };

    public static ClusterConfig Config { get; } = new("c0ffee", 3, 262144, 65536, 1000, 5000);

    public static ClusterSnapshot Healthy(DashboardMode mode = DashboardMode.Remote) => Loading(mode) with
    {
        Sequence = 1,
        Health = Fetched.Success(Health(HealthStatus.Healthy, [], [new(3, 12)]), Now),
        Servers = Fetched.Success<IReadOnlyList<DataServerInfo>>([Server(1), Server(2), Server(3)], Now),
        Config = Fetched.Success(Config, Now),
        Events = [Event(3, EventKinds.ServerRegistered, "data-3 registered."), Event(2, EventKinds.ServerRegistered, "data-2 registered."), Event(1, EventKinds.MetaStarted, "Metadata server started.")],
        Activity = [.. Enumerable.Range(0, 10).Select(i => new ActivityPoint(Now.AddSeconds(i - 10), 40 + i, 1_048_576 * i, 524_288, i == 9 ? 2 : 0))],
        HasServerActivity = true,
    };

    public static ClusterSnapshot Degraded(DashboardMode mode = DashboardMode.Remote) => Healthy(mode) with
    {
        Health = Fetched.Success(
            Health(HealthStatus.Degraded, ["1 of 3 data servers is not up: data-2 (Down).", "4 chunk(s) have fewer than 3 valid copies."], [new(2, 4), new(3, 8)], corrupt: 1, missing: 0, stale: 3, underReplicated: 4, serversUp: 2),
            Now),
        Servers = Fetched.Success<IReadOnlyList<DataServerInfo>>([Server(1), Server(2, ServerState.Down, heartbeatAgo: TimeSpan.FromSeconds(30)), Server(3)], Now),
    };

    public static ClusterSnapshot Local(ClusterSnapshot snapshot, params SupervisedProcessInfo[] processes) => snapshot with
    {
        Mode = DashboardMode.Local,
        Processes = processes,
        SupervisorPhase = SupervisorPhase.Ready,
    };

    public static SupervisedProcessInfo Process(string name, int port, ProcessState state, int? pid = 1000, int? exitCode = null) =>
        new(name, name.StartsWith("data-", StringComparison.Ordinal) ? ProcessKind.Data : ProcessKind.Meta, $"http://127.0.0.1:{port}", state, pid, exitCode, Now.AddMinutes(-5), exitCode is null ? null : Now.AddSeconds(-3), null);

    public static ClusterHealth Health(
        HealthStatus status,
        IReadOnlyList<string> reasons,
        IReadOnlyList<ReplicaMatrixCell> matrix,
        long corrupt = 0,
        long missing = 0,
        long stale = 0,
        long underReplicated = 0,
        int serversUp = 3,
        IReadOnlyList<ClientSession>? clients = null) =>
        new(status, reasons, 3, 5, 2, matrix.Sum(c => c.Chunks), 3_145_728, 9_437_184, underReplicated, matrix.FirstOrDefault(c => c.ValidCopies == 0)?.Chunks ?? 0, stale, corrupt, missing, 0, matrix, serversUp, 3, clients ?? [Client(3, 2, strongly: true)], Now);

    public static ClientSession Client(int qr, int qw, bool strongly) =>
        new(7, "mount /mnt/replicafs", "laptop", 4242, qr, qw, strongly, Now.AddMinutes(-10), Now.AddSeconds(-1));

    public static DataServerInfo Server(int id, ServerState state = ServerState.Up, TimeSpan? heartbeatAgo = null, ServerActivity? activity = null) =>
        new(id, $"data-{id}", $"http://127.0.0.1:{51234 + id}", state, $"instance-{id}", Now.AddHours(-1), Now - (heartbeatAgo ?? TimeSpan.FromMilliseconds(400)), new DataServerStats(12, 3_145_728, 100L << 30, 60L << 30), 12, activity);

    public static ClusterEvent Event(long id, string kind, string message, EventSeverity severity = EventSeverity.Info, int? serverId = null, long? ino = null, long? chunkId = null, string? path = null) =>
        new(id, Now.AddSeconds(id - 100), kind, severity, message, "meta", serverId, ino, chunkId, path);
}
