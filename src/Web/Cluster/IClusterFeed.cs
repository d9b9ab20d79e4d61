namespace ReplicaFs.Web.Cluster;

/// <summary>
/// The live cluster state shared by every dashboard page: one background poller per dashboard process publishes a
/// <see cref="ClusterSnapshot"/> about once a second; components subscribe and dispose their subscription.
/// </summary>
public interface IClusterFeed
{
    /// <summary>The latest snapshot.</summary>
    ClusterSnapshot Current { get; }

    /// <summary>Calls <paramref name="onChange"/> with every new snapshot until the returned handle is disposed.</summary>
    IDisposable Subscribe(Action<ClusterSnapshot> onChange);

    /// <summary>Polls now instead of at the next tick (after an action, so that its effect shows at once).</summary>
    void RequestRefresh();
}
