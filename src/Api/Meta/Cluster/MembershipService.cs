using System.Globalization;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>Data server membership: registration, heartbeats, and marking silent servers down.</summary>
internal sealed partial class MembershipService(
    IMetaDatabase database,
    ActiveClusterSettings cluster,
    HeartbeatTracker tracker,
    TimeProvider clock,
    ILogger<MembershipService> logger)
{
    /// <summary>Longest instance id accepted.</summary>
    public const int MaxInstanceIdLength = 128;

    /// <summary>
    /// Registers a data server by URL. A new URL gets the next id; a known URL with the same instance id is simply
    /// up again; a known URL with a different instance id came back empty: every replica it held is marked missing.
    /// </summary>
    public async Task<RegisterResponse> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = ServerUrl.Normalize(request.Url);
        var instanceId = ValidateInstanceId(request.InstanceId);
        var stats = ValidateStats(request.Stats);
        var (server, cameBackEmpty) = await database.WriteAsync(tx =>
        {
            var now = clock.GetUtcNow();
            var existing = tx.Cluster.FindServer(url);
            if (existing is null)
            {
                var added = tx.Cluster.AddServer(url, instanceId, ServerState.Up, now, stats);
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerRegistered, EventSeverity.Info,
                    $"{added.Name} registered at {url}.", "meta", ServerId: added.Id));
                tracker.Seen(added.Id);
                return (added, false);
            }

            if (existing.InstanceId == instanceId)
            {
                var state = LiveState(tx, existing.Id);
                if (!existing.IsLive)
                {
                    tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
                        $"{existing.Name} ({url}) registered again and is {Describe(state)}.", "meta", ServerId: existing.Id));
                }

                var updated = existing with { State = state, LastHeartbeat = now, Stats = stats };
                tx.Cluster.UpdateServer(updated);
                tracker.Seen(existing.Id);
                return (updated, false);
            }

            var missing = tx.Chunks.MarkServerReplicasMissing(existing.Id);
            var emptyState = LiveState(tx, existing.Id);
            tx.Events.Append(new NewEventRecord(now, EventKinds.ServerCameBackEmpty, EventSeverity.Warning,
                $"{existing.Name} ({url}) came back empty: instance {instanceId} replaces {existing.InstanceId}; " +
                $"{missing.ToString(CultureInfo.InvariantCulture)} replica(s) marked missing, to be rebuilt from peers.",
                "meta", ServerId: existing.Id));
            var renewed = existing with { InstanceId = instanceId, State = emptyState, LastHeartbeat = now, Stats = stats };
            tx.Cluster.UpdateServer(renewed);
            tracker.Seen(existing.Id);
            return (renewed, true);
        }, cancellationToken);

        LogRegistered(logger, server.Name, server.Url, server.InstanceId, cameBackEmpty);
        return new RegisterResponse(server.Id, cluster.ToConfig(), cameBackEmpty);
    }

    /// <summary>
    /// Records a heartbeat. An unknown server or a different instance id gets <c>ReRegister = true</c> and nothing
    /// is stored; otherwise stats and time are stored and a down server is up again.
    /// </summary>
    public async Task<HeartbeatResponse> HeartbeatAsync(int serverId, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instanceId = ValidateInstanceId(request.InstanceId);
        var stats = ValidateStats(request.Stats);
        return await database.WriteAsync(tx =>
        {
            var server = tx.Cluster.GetServer(serverId);
            if (server is null || server.InstanceId != instanceId)
            {
                return new HeartbeatResponse(server?.State ?? ServerState.Down, ReRegister: true);
            }

            var now = clock.GetUtcNow();
            var state = server.State switch
            {
                ServerState.Up or ServerState.Down or ServerState.Rebuilding => LiveState(tx, serverId),
                _ => server.State,
            };
            if (server.State == ServerState.Down)
            {
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
                    $"{server.Name} ({server.Url}) is heartbeating again and is {Describe(state)}.", "meta", ServerId: serverId));
            }
            else if (server.State == ServerState.Rebuilding && state == ServerState.Up)
            {
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
                    $"{server.Name} ({server.Url}) finished rebuilding: none of its replicas is missing any more.", "meta", ServerId: serverId));
            }

            tx.Cluster.UpdateServer(server with { State = state, LastHeartbeat = now, Stats = stats });
            tracker.Seen(serverId);
            return new HeartbeatResponse(state, ReRegister: false);
        }, cancellationToken);
    }

    /// <summary>Marks down every live server that has been silent past the heartbeat timeout; returns their ids.</summary>
    public async Task<IReadOnlyList<int>> MarkSilentServersDownAsync(CancellationToken cancellationToken)
    {
        if (tracker.SilentServers().Count == 0)
        {
            return [];
        }

        var marked = await database.WriteAsync(tx =>
        {
            var now = clock.GetUtcNow();
            var down = new List<int>();
            // Re-checked under the write lock: a heartbeat that was just stored refreshed the tracker already.
            foreach (var id in tracker.SilentServers())
            {
                var silence = tracker.SilenceOf(id) ?? TimeSpan.Zero;
                tracker.Forget(id);
                var server = tx.Cluster.GetServer(id);
                if (server is not { IsLive: true })
                {
                    continue;
                }

                tx.Cluster.UpdateServer(server with { State = ServerState.Down });
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerDown, EventSeverity.Warning,
                    $"{server.Name} ({server.Url}) sent no heartbeat for {silence.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s " +
                    $"(timeout {tracker.Timeout.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s): marked down.",
                    "meta", ServerId: id));
                down.Add(id);
            }

            return down;
        }, cancellationToken);

        foreach (var id in marked)
        {
            LogMarkedDown(logger, ServerRecord.NameOf(id));
        }

        return marked;
    }

    /// <summary>Every data server.</summary>
    public async Task<IReadOnlyList<DataServerInfo>> ListServersAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(tx => tx.Cluster.ListServers().Select(s => s.ToInfo()).ToList(), cancellationToken);

    /// <summary>One data server; ENOENT if unknown.</summary>
    public async Task<DataServerInfo> GetServerAsync(int serverId, CancellationToken cancellationToken) =>
        await database.ReadAsync(tx => tx.Cluster.GetServer(serverId)?.ToInfo(), cancellationToken)
            ?? throw new PosixException(Errno.ENOENT, $"There is no data server {serverId}.");

    /// <summary>Starts a fresh grace period for every live server, so a restart of meta does not mark them all down at once.</summary>
    public async Task StartGracePeriodAsync(CancellationToken cancellationToken)
    {
        var live = await database.ReadAsync(tx => tx.Cluster.ListServers().Where(s => s.IsLive).Select(s => s.Id).ToList(), cancellationToken);
        foreach (var id in live)
        {
            tracker.Seen(id);
        }
    }

    /// <summary>Up, or rebuilding while replicas of committed chunks on it are missing.</summary>
    private static ServerState LiveState(IMetaTransaction tx, int serverId) =>
        tx.Chunks.CountReplicasToRebuild(serverId) > 0 ? ServerState.Rebuilding : ServerState.Up;

    private static string Describe(ServerState state) => state == ServerState.Rebuilding ? "rebuilding its missing replicas" : "up";

    private static string ValidateInstanceId(string? instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > MaxInstanceIdLength || instanceId.Any(char.IsControl))
        {
            throw new PosixException(Errno.EINVAL, $"An instance id of 1-{MaxInstanceIdLength} printable characters is required.");
        }

        return instanceId;
    }

    private static DataServerStats ValidateStats(DataServerStats? stats)
    {
        if (stats is null)
        {
            throw new PosixException(Errno.EINVAL, "Storage figures (stats) are required.");
        }

        if (stats.ChunkCount < 0 || stats.BytesStored < 0 || stats.CapacityBytes < 0 || stats.FreeBytes < 0)
        {
            throw new PosixException(Errno.EINVAL, "Storage figures cannot be negative.");
        }

        return stats;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name} registered at {Url} (instance {InstanceId}, came back empty: {CameBackEmpty}).")]
    private static partial void LogRegistered(ILogger logger, string name, string url, string instanceId, bool cameBackEmpty);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} missed its heartbeats: marked down.")]
    private static partial void LogMarkedDown(ILogger logger, string name);
}
