using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Meta.Storage;

/// <summary>The append-only event log.</summary>
internal interface IEventStore
{
    /// <summary>Appends an event; returns it with its id.</summary>
    ClusterEvent Append(NewEventRecord newEvent);

    /// <summary>Events with id above <paramref name="after"/>, oldest first, optionally only kinds starting with <paramref name="kindPrefix"/>.</summary>
    IReadOnlyList<ClusterEvent> List(long after, int limit, string? kindPrefix);

    /// <summary>The id of the newest event, 0 when the log is empty.</summary>
    long LastId();
}
