using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Cluster;

/// <summary>
/// One data server as a card shows it: what the metadata server knows (<see cref="Info"/>) and, for a local cluster,
/// the process the supervisor runs (<see cref="Process"/>), matched by URL.
/// </summary>
/// <param name="Name">The supervisor's name (data-N) when local, else the metadata server's.</param>
/// <param name="Url">Base URL.</param>
/// <param name="Info">The metadata server's record, when it knows the server.</param>
/// <param name="Process">The local process, when supervised.</param>
public sealed record ServerView(string Name, string Url, DataServerInfo? Info, SupervisedProcessInfo? Process)
{
    /// <summary>The state to show: a local process that is not alive wins over the (lagging) metadata server's view.</summary>
    public ServerStatus Status => (Process?.State, Info?.State) switch
    {
        (ProcessState.Killed, _) => ServerStatus.Killed,
        (ProcessState.Exited, _) => ServerStatus.Exited,
        (ProcessState.Stopped or ProcessState.Stopping, _) => ServerStatus.Down,
        (ProcessState.Starting or ProcessState.NotStarted, null) => ServerStatus.Starting,
        (_, ServerState.Up) => ServerStatus.Up,
        (_, ServerState.Rebuilding) => ServerStatus.Rebuilding,
        (_, ServerState.Down) => ServerStatus.Down,
        (_, ServerState.Crashed) => ServerStatus.Crashed,
        (ProcessState.Starting or ProcessState.Running, null) => ServerStatus.Starting,
        _ => ServerStatus.Unknown,
    };

    /// <summary>Whether the server can be killed now: a live local process, or (remote) a server that is not crashed.</summary>
    public bool CanKill(DashboardMode mode) => mode == DashboardMode.Local
        ? Process is { IsAlive: true }
        : Info is { State: ServerState.Up or ServerState.Rebuilding or ServerState.Down };

    /// <summary>Whether the server can be restored now: a dead local process, or (remote) a crashed server.</summary>
    public bool CanRestore(DashboardMode mode) => mode == DashboardMode.Local
        ? Process is { State: ProcessState.Killed or ProcessState.Exited or ProcessState.Stopped }
        : Info is { State: ServerState.Crashed };

    /// <summary>Whether a scrub can be started: the server is serving.</summary>
    public bool CanScrub => Status is ServerStatus.Up or ServerStatus.Rebuilding;

    /// <summary>
    /// Cards for every data server: those the metadata server knows (in id order) and supervised ones it does not know
    /// yet; a supervised process and a metadata record with the same URL make one card.
    /// </summary>
    public static IReadOnlyList<ServerView> Merge(IReadOnlyList<DataServerInfo>? servers, IReadOnlyList<SupervisedProcessInfo> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        var supervised = processes.Where(p => p.Kind == ProcessKind.Data).ToList();
        var views = new List<ServerView>();
        foreach (var info in (servers ?? []).OrderBy(s => s.Id))
        {
            var process = supervised.FirstOrDefault(p => SameUrl(p.Url, info.Url));
            views.Add(new ServerView(process?.Name ?? info.Name, info.Url, info, process));
        }

        foreach (var process in supervised.Where(p => !views.Any(v => SameUrl(v.Url, p.Url))))
        {
            views.Add(new ServerView(process.Name, process.Url, null, process));
        }

        // Local clusters read best in the supervisor's order (data-1, data-2, …).
        return supervised.Count > 0
            ? [.. views.OrderBy(v => v.Process is null ? 1 : 0).ThenBy(v => NameOrder(v.Name)).ThenBy(v => v.Name, StringComparer.Ordinal)]
            : views;
    }

    private static int NameOrder(string name) =>
        name.StartsWith("data-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), out var number) ? number : int.MaxValue;

    private static bool SameUrl(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
