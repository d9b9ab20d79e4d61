namespace ReplicaFs.Web.Hosting;

/// <summary>Whether the dashboard supervises a local cluster or watches a remote one.</summary>
public enum DashboardMode
{
    /// <summary>Watches a cluster it does not own; kill and restore use the data servers' fault endpoints (crash, restore).</summary>
    Remote,

    /// <summary>Supervises the local cluster's processes; kill is a real SIGKILL and restore starts the process again empty.</summary>
    Local,
}

/// <summary>What the dashboard connects to and how it listens.</summary>
public sealed record DashboardOptions
{
    /// <summary>Default port of the dashboard.</summary>
    public const int DefaultPort = 51280;

    /// <summary>The metadata server's base URL.</summary>
    public required Uri MetaUrl { get; init; }

    /// <summary>Port to listen on (always on 127.0.0.1).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Local (supervisor) or remote.</summary>
    public DashboardMode Mode { get; init; } = DashboardMode.Remote;

    /// <summary>The admin token for fault and admin endpoints; stays on the server, never reaches a browser.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The cluster token, when the cluster runs with one.</summary>
    public string? ClusterToken { get; init; }

    /// <summary>How often the background poller asks the metadata server for health, servers and events.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
