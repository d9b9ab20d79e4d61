using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Web.Cluster;

/// <summary>
/// A ring buffer of the cluster's recent activity. Data servers report cumulative counters in their heartbeats; a
/// server's rate is the counter's change between two heartbeats divided by the time between them (so the curve does not
/// jump with the moment we happen to sample), and a server whose heartbeat is older than <c>staleAfter</c> counts as
/// idle. Repairs are counted from the event log.
/// </summary>
public sealed class ActivityHistory(int capacity, TimeSpan staleAfter)
{
    private readonly Queue<ActivityPoint> _points = new(capacity);
    private readonly Dictionary<string, ServerRate> _servers = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSample;

    /// <summary>The samples, oldest first.</summary>
    public IReadOnlyList<ActivityPoint> Points => [.. _points];

    /// <summary>Whether any data server has reported activity counters so far.</summary>
    public bool HasServerActivity { get; private set; }

    /// <summary>Adds a sample taken at <paramref name="now"/>.</summary>
    /// <param name="now">Sample time.</param>
    /// <param name="servers">The servers as just fetched (null when the fetch failed: servers count as idle).</param>
    /// <param name="repairs">Repairs that finished since the previous sample.</param>
    public void Record(DateTimeOffset now, IReadOnlyList<DataServerInfo>? servers, int repairs)
    {
        double requests = 0, read = 0, written = 0;
        foreach (var server in servers ?? [])
        {
            if (server.Activity is not { } activity)
            {
                continue;
            }

            HasServerActivity = true;
            var rate = Update(server, activity);
            var live = server.State is ServerState.Up or ServerState.Rebuilding && now - server.LastHeartbeat <= staleAfter;
            if (live)
            {
                requests += rate.RequestsPerSecond;
                read += rate.BytesReadPerSecond;
                written += rate.BytesWrittenPerSecond;
            }
        }

        var interval = _lastSample is { } last && now > last ? (now - last).TotalSeconds : 1;
        _lastSample = now;
        if (_points.Count == capacity)
        {
            _points.Dequeue();
        }

        _points.Enqueue(new ActivityPoint(now, requests, read, written, repairs / Math.Max(interval, 0.001)));
    }

    private ServerRate Update(DataServerInfo server, ServerActivity activity)
    {
        if (!_servers.TryGetValue(server.Url, out var previous)
            || previous.InstanceId != server.InstanceId
            || activity.RequestsServed < previous.Activity.RequestsServed
            || activity.BytesRead < previous.Activity.BytesRead
            || activity.BytesWritten < previous.Activity.BytesWritten)
        {
            // First sight, or the process restarted (its counters started over): no rate until the next heartbeat.
            var fresh = new ServerRate(server.InstanceId, server.LastHeartbeat, activity, 0, 0, 0);
            _servers[server.Url] = fresh;
            return fresh;
        }

        if (server.LastHeartbeat <= previous.HeartbeatAt)
        {
            return previous;
        }

        var seconds = (server.LastHeartbeat - previous.HeartbeatAt).TotalSeconds;
        var updated = new ServerRate(
            server.InstanceId,
            server.LastHeartbeat,
            activity,
            (activity.RequestsServed - previous.Activity.RequestsServed) / seconds,
            (activity.BytesRead - previous.Activity.BytesRead) / seconds,
            (activity.BytesWritten - previous.Activity.BytesWritten) / seconds);
        _servers[server.Url] = updated;
        return updated;
    }

    private sealed record ServerRate(string InstanceId, DateTimeOffset HeartbeatAt, ServerActivity Activity, double RequestsPerSecond, double BytesReadPerSecond, double BytesWrittenPerSecond);
}
