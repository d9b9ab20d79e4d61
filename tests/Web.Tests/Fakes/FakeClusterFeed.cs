using ReplicaFs.Web.Cluster;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>A feed whose snapshots the test sets; subscribers are called as the real poller would call them.</summary>
public sealed class FakeClusterFeed(ClusterSnapshot initial) : IClusterFeed
{
    private readonly List<Action<ClusterSnapshot>> _subscribers = [];

    public ClusterSnapshot Current { get; set; } = initial;

    public int Subscribers => _subscribers.Count;

    public int RefreshRequests { get; private set; }

    public IDisposable Subscribe(Action<ClusterSnapshot> onChange)
    {
        _subscribers.Add(onChange);
        return new Unsubscriber(() => _subscribers.Remove(onChange));
    }

    public void RequestRefresh() => RefreshRequests++;

    /// <summary>Publishes a new snapshot (with the next sequence number).</summary>
    public void Publish(ClusterSnapshot snapshot)
    {
        Current = snapshot with { Sequence = Math.Max(snapshot.Sequence, Current.Sequence + 1) };
        foreach (var subscriber in _subscribers.ToList())
        {
            subscriber(Current);
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
