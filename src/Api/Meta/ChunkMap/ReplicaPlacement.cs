using ReplicaFs.Api.Meta.Storage;

namespace ReplicaFs.Api.Meta.ChunkMap;

/// <summary>
/// Chooses the replica set of a new chunk: min(R, live) live servers, those with the fewest assigned replicas
/// first, ties by id. Choices made through one instance count towards the next, so a batch spreads evenly.
/// </summary>
internal sealed class ReplicaPlacement(IEnumerable<ServerRecord> servers)
{
    private readonly Dictionary<int, long> _load = servers.Where(s => s.IsLive).ToDictionary(s => s.Id, s => s.ReplicaCount);

    /// <summary>Number of live servers to choose from.</summary>
    public int LiveServers => _load.Count;

    /// <summary>Chooses up to <paramref name="replicas"/> servers, by id.</summary>
    public IReadOnlyList<int> Choose(int replicas)
    {
        var chosen = _load.OrderBy(p => p.Value).ThenBy(p => p.Key).Take(replicas).Select(p => p.Key).Order().ToList();
        foreach (var id in chosen)
        {
            _load[id]++;
        }

        return chosen;
    }
}
