using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Web.Clients;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Cluster;

/// <summary>
/// The dashboard's single poller: once per <see cref="DashboardOptions.PollInterval"/> it fetches health, data servers,
/// settings and the events after the last one seen from the metadata server, samples activity into a ring buffer,
/// adds the supervised processes (local mode), and publishes one immutable <see cref="ClusterSnapshot"/> to every
/// subscriber. However many browsers are open, the metadata server sees one poller.
/// </summary>
public sealed class ClusterFeed : BackgroundService, IClusterFeed
{
    /// <summary>Events kept for the pages (newest first); older ones are loaded on demand.</summary>
    public const int KeptEvents = 1000;

    /// <summary>Events loaded when the dashboard starts.</summary>
    public const int InitialEvents = 300;

    /// <summary>Activity samples kept (one per poll: five minutes at the default interval).</summary>
    public const int ActivitySamples = 300;

    private const int EventPageSize = 500;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private readonly IClusterApi _meta;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ISupervisedProcesses? _supervisor;
    private readonly Lock _gate = new();
    private readonly List<Action<ClusterSnapshot>> _subscribers = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ActivityHistory _activity;
    private List<ClusterEvent> _events = [];
    private long _lastEventId = -1;
    private bool _metaWasDown;
    private ClusterSnapshot _current;

    /// <summary>Creates the poller; <paramref name="supervisor"/> is given in local mode.</summary>
    public ClusterFeed(IClusterApi meta, DashboardOptions options, TimeProvider time, ILogger<ClusterFeed> logger, ISupervisedProcesses? supervisor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _meta = meta;
        _options = options;
        _time = time;
        _logger = logger;
        _supervisor = supervisor;
        _activity = new ActivityHistory(ActivitySamples, TimeSpan.FromSeconds(10));
        _current = new ClusterSnapshot { Mode = options.Mode, MetaUrl = options.MetaUrl.GetLeftPart(UriPartial.Authority), TakenAt = time.GetUtcNow() };
        if (supervisor is not null)
        {
            supervisor.Changed += OnSupervisorChanged;
        }
    }

    /// <inheritdoc />
    public ClusterSnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ClusterSnapshot> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_gate)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <inheritdoc />
    public void RequestRefresh()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already requested.
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_supervisor is not null)
        {
            _supervisor.Changed -= OnSupervisorChanged;
        }

        _wake.Dispose();
        base.Dispose();
    }

    /// <summary>One poll: fetches everything in parallel and publishes the snapshot. Public for tests.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var previous = Current;
        var health = FetchAsync(previous.Health, ct => _meta.GetHealthAsync(ct), cancellationToken);
        var servers = FetchAsync(previous.Servers, ct => _meta.GetServersAsync(ct), cancellationToken);
        var config = previous.Config.Value is null || previous.Sequence % 30 == 0
            ? FetchAsync(previous.Config, ct => _meta.GetConfigAsync(ct), cancellationToken)
            : Task.FromResult(previous.Config);
        var events = PollEventsAsync(cancellationToken);
        await Task.WhenAll(health, servers, config, events);

        var (newEvents, eventsError) = await events;
        var now = _time.GetUtcNow();
        var fetchedServers = await servers;
        var fetchedHealth = await health;
        var fetchedConfig = await config;
        var repairs = newEvents.Count(e => e.Kind is EventKinds.RepairFinished or EventKinds.ReReplicated);
        List<ClusterEvent> eventList;
        ClusterSnapshot snapshot;
        lock (_gate)
        {
            _activity.Record(now, fetchedServers.Error is null ? fetchedServers.Value : null, repairs);
            eventList = _events;
            snapshot = WithProcesses(_current with
            {
                Sequence = _current.Sequence + 1,
                TakenAt = now,
                Health = fetchedHealth,
                Servers = fetchedServers,
                Config = fetchedConfig,
                Events = eventList,
                EventsError = eventsError,
                Activity = _activity.Points,
                HasServerActivity = _activity.HasServerActivity,
            });
            _current = snapshot;
        }

        ReportMetaReachability(fetchedServers);
        Publish(snapshot);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ClusterFeedLog.Watching(_logger, _current.MetaUrl, _options.PollInterval.TotalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The dashboard must outlive any surprise from one poll; the next poll tries again.
                ClusterFeedLog.PollFailed(_logger, ex);
            }

            var wait = _options.PollInterval - _time.GetElapsedTime(started);
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await _wake.WaitAsync(wait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<Fetched<T>> FetchAsync<T>(Fetched<T> previous, Func<CancellationToken, Task<T>> fetch, CancellationToken cancellationToken)
        where T : class
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(CallTimeout);
        try
        {
            return Fetched.Success(await fetch(call.Token), _time.GetUtcNow());
        }
        catch (Exception ex) when (IsCallFailure(ex, cancellationToken))
        {
            return previous.Failure(ProblemText.Describe(ex));
        }
    }

    /// <summary>Fetches the events after the last one seen (the last <see cref="InitialEvents"/> on the first poll).</summary>
    private async Task<(IReadOnlyList<ClusterEvent> NewEvents, string? Error)> PollEventsAsync(CancellationToken cancellationToken)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(CallTimeout * 2);
        try
        {
            if (_lastEventId < 0)
            {
                var probe = await _meta.GetEventsAsync(0, 1, null, call.Token);
                _lastEventId = Math.Max(0, probe.LastId - InitialEvents);
            }

            var added = new List<ClusterEvent>();
            for (var page = 0; page < 20; page++)
            {
                var events = await _meta.GetEventsAsync(_lastEventId, EventPageSize, null, call.Token);
                if (events.LastId < _lastEventId)
                {
                    ClusterFeedLog.EventLogReset(_logger, events.LastId, _lastEventId);
                    lock (_gate)
                    {
                        _events = [];
                    }

                    _lastEventId = Math.Max(0, events.LastId - InitialEvents);
                    added.Clear();
                    continue;
                }

                added.AddRange(events.Events);
                if (events.Events.Count > 0)
                {
                    _lastEventId = events.Events[^1].Id;
                }

                if (events.Events.Count < EventPageSize)
                {
                    break;
                }
            }

            if (added.Count > 0)
            {
                lock (_gate)
                {
                    var merged = new List<ClusterEvent>(Math.Min(KeptEvents, added.Count + _events.Count));
                    merged.AddRange(Enumerable.Reverse(added).Take(KeptEvents));
                    merged.AddRange(_events.Take(KeptEvents - merged.Count));
                    _events = merged;
                }
            }

            return (added, null);
        }
        catch (Exception ex) when (IsCallFailure(ex, cancellationToken))
        {
            return ([], ProblemText.Describe(ex));
        }
    }

    private ClusterSnapshot WithProcesses(ClusterSnapshot snapshot) => _supervisor is null
        ? snapshot
        : snapshot with
        {
            Processes = _supervisor.Processes,
            SupervisorPhase = _supervisor.Phase,
            SupervisorFailure = _supervisor.FailureReason,
        };

    private void OnSupervisorChanged()
    {
        ClusterSnapshot snapshot;
        lock (_gate)
        {
            snapshot = WithProcesses(_current with { Sequence = _current.Sequence + 1 });
            _current = snapshot;
        }

        Publish(snapshot);
    }

    private void ReportMetaReachability(Fetched<IReadOnlyList<DataServerInfo>> servers)
    {
        if (servers.Error is { } error && !_metaWasDown)
        {
            _metaWasDown = true;
            ClusterFeedLog.MetaUnreachable(_logger, error);
        }
        else if (servers.Error is null && _metaWasDown)
        {
            _metaWasDown = false;
            ClusterFeedLog.MetaBack(_logger);
        }
    }

    private void Publish(ClusterSnapshot snapshot)
    {
        Action<ClusterSnapshot>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(snapshot);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ClusterFeedLog.SubscriberFailed(_logger, ex);
            }
        }
    }

    private static bool IsCallFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is ApiExceptionBase or HttpRequestException or System.Text.Json.JsonException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private void Unsubscribe(Action<ClusterSnapshot> onChange)
    {
        lock (_gate)
        {
            _subscribers.Remove(onChange);
        }
    }

    private sealed class Subscription(ClusterFeed feed, Action<ClusterSnapshot> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(onChange);
            }
        }
    }
}
