using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Events;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>Older events from a list.</summary>
public sealed class FakeEventArchive(IReadOnlyList<ClusterEvent> all) : IEventArchive
{
    public List<long> Requests { get; } = [];

    public Task<OlderEvents> LoadOlderAsync(long beforeId, int count, CancellationToken cancellationToken)
    {
        Requests.Add(beforeId);
        var older = all.Where(e => e.Id < beforeId).OrderByDescending(e => e.Id).Take(count).ToList();
        return Task.FromResult(new OlderEvents(older, older.Count == 0 || older[^1].Id <= all.Min(e => e.Id)));
    }
}
