using ReplicaFs.Api.Meta.Storage;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// What the last re-replication pass found about each dead server, for the health summary. In memory: it is
/// recomputed by every pass.
/// </summary>
internal sealed class ReReplicationStatus
{
    private readonly Lock _gate = new();
    private Dictionary<int, ReplicaMoveCounts> _dead = [];

    /// <summary>When the last pass ran, or null before the first.</summary>
    public DateTimeOffset? LastPass { get; private set; }

    /// <summary>Replaces the findings with those of a pass at <paramref name="time"/>: dead servers past the delay and their replicas.</summary>
    public void Update(DateTimeOffset time, IReadOnlyDictionary<int, ReplicaMoveCounts> dead)
    {
        lock (_gate)
        {
            _dead = new Dictionary<int, ReplicaMoveCounts>(dead);
            LastPass = time;
        }
    }

    /// <summary>What the last pass found about <paramref name="serverId"/>, or null when it was not dead past the delay then.</summary>
    public ReplicaMoveCounts? Of(int serverId)
    {
        lock (_gate)
        {
            return _dead.GetValueOrDefault(serverId);
        }
    }
}
