using MudBlazor;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Components.Formatting;

/// <summary>One colour per state, the same on every page: green good, amber degraded or in progress, red bad.</summary>
public static class StateColors
{
    /// <summary>Cluster health.</summary>
    public static Color Of(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => Color.Success,
        HealthStatus.Degraded => Color.Warning,
        _ => Color.Error,
    };

    /// <summary>A data server card.</summary>
    public static Color Of(ServerStatus status) => status switch
    {
        ServerStatus.Up => Color.Success,
        ServerStatus.Rebuilding => Color.Warning,
        ServerStatus.Starting => Color.Info,
        ServerStatus.Unknown => Color.Default,
        _ => Color.Error,
    };

    /// <summary>A replica as the metadata server records it.</summary>
    public static Color Of(ReplicaState state) => state switch
    {
        ReplicaState.Ok => Color.Success,
        ReplicaState.Stale => Color.Warning,
        ReplicaState.Rebuilding => Color.Info,
        _ => Color.Error,
    };

    /// <summary>An event.</summary>
    public static Color Of(EventSeverity severity) => severity switch
    {
        EventSeverity.Info => Color.Info,
        EventSeverity.Warning => Color.Warning,
        _ => Color.Error,
    };

    /// <summary>A supervised process.</summary>
    public static Color Of(ProcessState state) => state switch
    {
        ProcessState.Running => Color.Success,
        ProcessState.Starting or ProcessState.Stopping => Color.Info,
        ProcessState.NotStarted or ProcessState.Stopped or ProcessState.Unavailable => Color.Default,
        _ => Color.Error,
    };

    /// <summary>Event severity icon.</summary>
    public static string Icon(EventSeverity severity) => severity switch
    {
        EventSeverity.Info => Icons.Material.Filled.Info,
        EventSeverity.Warning => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Error,
    };
}
