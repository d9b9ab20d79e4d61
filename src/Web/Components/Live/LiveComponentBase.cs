using Microsoft.AspNetCore.Components;
using ReplicaFs.Web.Cluster;

namespace ReplicaFs.Web.Components.Live;

/// <summary>
/// A page that shows the live cluster state: it subscribes to the dashboard's single poller when it appears and
/// unsubscribes when it goes, re-rendering with every new snapshot.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private IDisposable? _subscription;

    /// <summary>The live feed.</summary>
    [Inject]
    protected IClusterFeed Feed { get; set; } = default!;

    /// <summary>The latest snapshot.</summary>
    protected ClusterSnapshot Snapshot { get; private set; } = default!;

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Snapshot = Feed.Current;
        _subscription = Feed.Subscribe(OnSnapshot);
    }

    /// <summary>Called (on the renderer's context) before re-rendering with a new snapshot.</summary>
    protected virtual Task OnSnapshotChangedAsync(ClusterSnapshot previous, ClusterSnapshot current) => Task.CompletedTask;

    /// <summary>Releases the subscription.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _subscription?.Dispose();
            _subscription = null;
        }
    }

    private void OnSnapshot(ClusterSnapshot snapshot) => _ = InvokeAsync(async () =>
    {
        if (_subscription is null)
        {
            return;
        }

        var previous = Snapshot;
        Snapshot = snapshot;
        await OnSnapshotChangedAsync(previous, snapshot);
        StateHasChanged();
    });
}
