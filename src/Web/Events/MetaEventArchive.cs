using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Web.Events;

/// <summary>
/// <see cref="IEventArchive"/> over <c>GET /api/events?after=</c>. The log only pages forwards, but ids increase by one
/// per event, so the page before id N is read as the window after N − 1 − count.
/// </summary>
public sealed class MetaEventArchive(IClusterApi meta) : IEventArchive
{
    /// <inheritdoc />
    public async Task<OlderEvents> LoadOlderAsync(long beforeId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        count = Math.Min(count, 1000);
        var found = new List<ClusterEvent>();
        var end = beforeId;
        while (found.Count < count && end > 1)
        {
            var after = Math.Max(0, end - 1 - (count - found.Count));
            var page = await meta.GetEventsAsync(after, (int)Math.Min(1000, end - 1 - after), null, cancellationToken);
            var window = page.Events.Where(e => e.Id < end).OrderByDescending(e => e.Id).ToList();
            found.AddRange(window);
            end = after + 1;
        }

        return new OlderEvents(found, end <= 1);
    }
}
