namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// Remembers, per data server, which chunks it should repair but cannot (no valid copy anywhere), so that each is
/// named in a warning event once rather than at every assignment poll. A chunk that gets a source again is
/// forgotten, so it is named again if it loses its last copy later. In memory: after a restart of meta each is
/// named once more.
/// </summary>
internal sealed class UnavailableChunkNotices
{
    private readonly Dictionary<int, HashSet<long>> _noticed = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// Records that <paramref name="current"/> are the sourceless chunks of <paramref name="serverId"/> now; returns
    /// those not noticed before.
    /// </summary>
    public IReadOnlyList<long> Notice(int serverId, IReadOnlyCollection<long> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        lock (_gate)
        {
            var before = _noticed.GetValueOrDefault(serverId) ?? [];
            var fresh = current.Where(id => !before.Contains(id)).ToList();
            if (current.Count == 0)
            {
                _noticed.Remove(serverId);
            }
            else
            {
                _noticed[serverId] = [.. current];
            }

            return fresh;
        }
    }

    /// <summary>Takes back a notice whose event could not be written, so the next poll tries again.</summary>
    public void Retract(int serverId, IEnumerable<long> chunkIds)
    {
        lock (_gate)
        {
            if (_noticed.TryGetValue(serverId, out var noticed))
            {
                noticed.ExceptWith(chunkIds);
            }
        }
    }
}
