using System.Collections.Concurrent;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>
/// The last <see cref="ServerActivity"/> each data server reported in a heartbeat. Kept in memory only: it describes
/// the running processes, is refreshed every heartbeat interval, and is empty for a moment after a restart of meta.
/// </summary>
internal sealed class ServerActivityStore
{
    private readonly ConcurrentDictionary<int, ServerActivity> _last = new();

    /// <summary>Stores what <paramref name="serverId"/> reported.</summary>
    public void Record(int serverId, ServerActivity activity) => _last[serverId] = activity;

    /// <summary>Forgets <paramref name="serverId"/>'s activity (a new process registered).</summary>
    public void Forget(int serverId) => _last.TryRemove(serverId, out _);

    /// <summary>The last activity of <paramref name="serverId"/>, or null.</summary>
    public ServerActivity? Get(int serverId) => _last.GetValueOrDefault(serverId);
}
