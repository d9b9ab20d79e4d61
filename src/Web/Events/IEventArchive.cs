using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Web.Events;

/// <summary>Events older than the ones the live feed keeps, loaded on demand.</summary>
public interface IEventArchive
{
    /// <summary>Up to <paramref name="count"/> events with an id below <paramref name="beforeId"/>, newest first.</summary>
    Task<OlderEvents> LoadOlderAsync(long beforeId, int count, CancellationToken cancellationToken);
}

/// <summary>A page of older events.</summary>
/// <param name="Events">Newest first.</param>
/// <param name="ReachedStart">Whether the log has nothing older.</param>
public sealed record OlderEvents(IReadOnlyList<ClusterEvent> Events, bool ReachedStart);
