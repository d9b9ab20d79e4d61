using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Cli.Events;

/// <summary>
/// Reads the cluster event log (<c>GET /api/events</c>: events after an id, oldest first, at most 1000 per page,
/// an optional kind prefix, and the id of the newest event in the whole log).
/// </summary>
internal sealed class EventReader(IClusterApi meta)
{
    /// <summary>The largest page the metadata server hands out.</summary>
    public const int PageSize = 1000;

    /// <summary>The id of the newest event in the log (0 when it is empty).</summary>
    public async Task<long> LastIdAsync(CancellationToken cancellationToken) =>
        (await meta.GetEventsAsync(0, 1, null, cancellationToken)).LastId;

    /// <summary>
    /// The newest <paramref name="count"/> events (of kinds starting with <paramref name="kind"/>), oldest first, and the
    /// log's newest id to continue from. Without a kind the window is exact; with one, windows further back are read
    /// until enough events match or the start of the log is reached.
    /// </summary>
    public async Task<(IReadOnlyList<ClusterEvent> Events, long LastId)> TailAsync(int count, string? kind, CancellationToken cancellationToken)
    {
        var lastId = await LastIdAsync(cancellationToken);
        var found = new List<ClusterEvent>();
        var end = lastId;
        var window = (long)Math.Max(count, 1) * (kind is null ? 1 : 4);
        while (end > 0 && found.Count < count)
        {
            var start = Math.Max(0, end - window);
            var older = new List<ClusterEvent>();
            await foreach (var e in ReadAsync(start, kind, cancellationToken))
            {
                if (e.Id > end)
                {
                    break;
                }

                older.Add(e);
            }

            found.InsertRange(0, older);
            end = start;
            window *= 4;
        }

        return (found.Count > count ? found[^count..] : found, lastId);
    }

    /// <summary>Every event after <paramref name="after"/> (of kinds starting with <paramref name="kind"/>), page by page, up to the newest.</summary>
    public async IAsyncEnumerable<ClusterEvent> ReadAsync(long after, string? kind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = after;
        while (true)
        {
            var page = await meta.GetEventsAsync(cursor, PageSize, kind, cancellationToken);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            if (page.Events.Count < PageSize)
            {
                yield break;
            }

            cursor = page.Events[^1].Id;
        }
    }

    /// <summary>
    /// New events after <paramref name="after"/>, polled every <paramref name="interval"/> until cancelled. A metadata server
    /// that does not answer is reported once through <paramref name="onOutage"/> (null when it answers again) and polled on.
    /// </summary>
    public async IAsyncEnumerable<ClusterEvent> FollowAsync(
        long after,
        string? kind,
        TimeSpan interval,
        Action<string?> onOutage,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onOutage);
        var cursor = after;
        var down = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            EventPage? page = null;
            try
            {
                page = await meta.GetEventsAsync(cursor, PageSize, kind, cancellationToken);
                if (down)
                {
                    down = false;
                    onOutage(null);
                }
            }
            catch (Contracts.Posix.PosixException ex) when (ex.Errno is Contracts.Posix.Errno.EIO or Contracts.Posix.Errno.EAGAIN)
            {
                if (!down)
                {
                    down = true;
                    onOutage(ex.Message);
                }
            }

            if (page is not null)
            {
                foreach (var e in page.Events)
                {
                    yield return e;
                }

                // A full page may have more behind it; otherwise every event up to lastId was seen (same snapshot).
                cursor = page.Events.Count == PageSize ? page.Events[^1].Id : Math.Max(cursor, page.LastId);
                if (page.Events.Count == PageSize)
                {
                    continue;
                }
            }

            try
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
