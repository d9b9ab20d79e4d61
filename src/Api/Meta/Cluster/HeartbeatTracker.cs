namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>
/// Decides which live data servers have been silent for longer than the heartbeat timeout. It tracks only servers
/// believed live: a registration or heartbeat starts tracking (or refreshes) a server, marking it down stops.
/// Time comes from <see cref="TimeProvider"/>, so the decision is testable with a fake clock.
/// </summary>
internal sealed class HeartbeatTracker(TimeProvider clock, TimeSpan timeout)
{
    private readonly Dictionary<int, DateTimeOffset> _lastSeen = [];
    private readonly Lock _gate = new();

    /// <summary>Silence after which a server counts as down.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Records a sign of life from <paramref name="serverId"/> now.</summary>
    public void Seen(int serverId)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            _lastSeen[serverId] = now;
        }
    }

    /// <summary>Stops tracking <paramref name="serverId"/> (it was marked down).</summary>
    public void Forget(int serverId)
    {
        lock (_gate)
        {
            _lastSeen.Remove(serverId);
        }
    }

    /// <summary>How long <paramref name="serverId"/> has been silent, or null if it is not tracked.</summary>
    public TimeSpan? SilenceOf(int serverId)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _lastSeen.TryGetValue(serverId, out var seen) ? now - seen : null;
        }
    }

    /// <summary>Whether <paramref name="serverId"/> is tracked and silent past the timeout.</summary>
    public bool IsSilent(int serverId) => SilenceOf(serverId) > Timeout;

    /// <summary>The tracked servers silent past the timeout, by id.</summary>
    public IReadOnlyList<int> SilentServers()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return [.. _lastSeen.Where(p => now - p.Value > Timeout).Select(p => p.Key).Order()];
        }
    }
}
