using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Cluster;

/// <summary>
/// Everything the dashboard shows about the cluster at one moment, as the background poller last saw it. Immutable:
/// every poll publishes a new snapshot to the subscribed components.
/// </summary>
public sealed record ClusterSnapshot
{
    /// <summary>Increases with every published snapshot; 0 before the first poll finished.</summary>
    public long Sequence { get; init; }

    /// <summary>When the poll that produced it finished.</summary>
    public DateTimeOffset TakenAt { get; init; }

    /// <summary>Local (supervised) or remote.</summary>
    public DashboardMode Mode { get; init; }

    /// <summary>The metadata server watched.</summary>
    public required string MetaUrl { get; init; }

    /// <summary>Health summary (status, counters, replica matrix, clients).</summary>
    public Fetched<ClusterHealth> Health { get; init; } = Fetched.Loading<ClusterHealth>();

    /// <summary>The data servers as the metadata server sees them.</summary>
    public Fetched<IReadOnlyList<DataServerInfo>> Servers { get; init; } = Fetched.Loading<IReadOnlyList<DataServerInfo>>();

    /// <summary>The cluster's settings.</summary>
    public Fetched<ClusterConfig> Config { get; init; } = Fetched.Loading<ClusterConfig>();

    /// <summary>The most recent events, newest first.</summary>
    public IReadOnlyList<ClusterEvent> Events { get; init; } = [];

    /// <summary>Why the last event poll failed, if it did.</summary>
    public string? EventsError { get; init; }

    /// <summary>The local cluster's processes (empty in remote mode).</summary>
    public IReadOnlyList<SupervisedProcessInfo> Processes { get; init; } = [];

    /// <summary>The supervisor's phase (null in remote mode).</summary>
    public SupervisorPhase? SupervisorPhase { get; init; }

    /// <summary>Why the supervisor's start-up failed, if it did.</summary>
    public string? SupervisorFailure { get; init; }

    /// <summary>Recent activity, oldest first, one point per poll.</summary>
    public IReadOnlyList<ActivityPoint> Activity { get; init; } = [];

    /// <summary>Whether any data server reported activity counters.</summary>
    public bool HasServerActivity { get; init; }

    /// <summary>Whether nothing has been polled yet.</summary>
    public bool IsLoading => Sequence == 0;

    /// <summary>One card per data server.</summary>
    public IReadOnlyList<ServerView> ServerViews => ServerView.Merge(Servers.Value, Processes);

    /// <summary>The data server with id <paramref name="serverId"/>, if known.</summary>
    public DataServerInfo? Server(int serverId) => Servers.Value?.FirstOrDefault(s => s.Id == serverId);

    /// <summary>The name to show for server <paramref name="serverId"/> (the supervisor's name when local).</summary>
    public string ServerName(int serverId)
    {
        var info = Server(serverId);
        if (info is null)
        {
            return $"server {serverId}";
        }

        return ServerViews.FirstOrDefault(v => v.Info?.Id == serverId)?.Name ?? info.Name;
    }
}
