using System.Globalization;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>Data server membership: registration, heartbeats, crashes, and marking silent servers down.</summary>
internal sealed partial class MembershipService(
    IMetaDatabase database,
    ActiveClusterSettings cluster,
    HeartbeatTracker tracker,
    ServerActivityStore activity,
    TimeProvider clock,
    ILogger<MembershipService> logger)
{
    /// <summary>Longest instance id accepted.</summary>
    public const int MaxInstanceIdLength = 128;

    /// <summary>
    /// Registers a data server by URL. A new URL gets the next id; a known URL with the same instance id is simply
    /// up again; a known URL with a different instance id came back empty: every replica it held is marked missing.
    /// A name already used by another server is EEXIST (409) and changes nothing.
    /// </summary>
    public async Task<RegisterResponse> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = ServerUrl.Normalize(request.Url);
        var instanceId = ValidateInstanceId(request.InstanceId);
        var stats = ValidateStats(request.Stats);
        var name = ServerNames.Validate(request.Name);
        var (server, cameBackEmpty) = await database.WriteAsync(tx =>
        {
            var now = clock.GetUtcNow();
            var existing = tx.Cluster.FindServer(url);
            if (name is not null)
            {
                ServerNames.EnsureFree(tx.Cluster, name, existing?.Id);
            }

            if (existing is null)
            {
                var added = tx.Cluster.AddServer(url, name, instanceId, ServerState.Up, now, stats);
                if (name is null)
                {
                    added = added with { Name = ServerNames.ChooseDefault(tx.Cluster, added.Id) };
                    tx.Cluster.UpdateServer(added);
                }

                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerRegistered, EventSeverity.Info,
                    $"{added.Name} registered at {url}.", "meta", ServerId: added.Id));
                tracker.Seen(added.Id);
                return (added, false);
            }

            if (name is not null && name != existing.Name)
            {
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerRegistered, EventSeverity.Info,
                    $"{existing.Name} ({url}) is now named {name}.", "meta", ServerId: existing.Id));
                existing = existing with { Name = name };
            }

            if (existing.InstanceId == instanceId)
            {
                var updated = existing with { LastHeartbeat = now, Stats = stats };
                if (existing.State == ServerState.Rebuilding)
                {
                    updated = RebuildCompletion.FinishIfDone(tx, updated, now);
                }
                else if (existing.State != ServerState.Up)
                {
                    updated = updated.InState(LiveState(tx, existing.Id), now);
                    tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
                        $"{existing.Name} ({url}) registered again and is {Describe(updated.State)} (was {existing.State}).", "meta", ServerId: existing.Id));
                }

                tx.Cluster.UpdateServer(updated);
                tracker.Seen(existing.Id);
                return (updated, false);
            }

            var missing = tx.Chunks.MarkServerReplicasMissing(existing.Id);
            tx.Healing.PruneGarbage(existing.Id);
            var emptyState = LiveState(tx, existing.Id);
            tx.Events.Append(new NewEventRecord(now, EventKinds.ServerCameBackEmpty, EventSeverity.Warning,
                $"{existing.Name} ({url}) came back empty: instance {instanceId} replaces {existing.InstanceId}; " +
                $"{missing.ToString(CultureInfo.InvariantCulture)} replica(s) marked missing, to be rebuilt from peers.",
                "meta", ServerId: existing.Id));
            // A new life starts a new rebuild count, even if the previous life was still rebuilding.
            var renewed = existing.InState(emptyState, now) with { InstanceId = instanceId, LastHeartbeat = now, Stats = stats, RebuiltReplicas = 0 };
            tx.Cluster.UpdateServer(renewed);
            tracker.Seen(existing.Id);
            return (renewed, true);
        }, cancellationToken);

        // A registration is a new process: its activity counters start again with its next heartbeat.
        activity.Forget(server.Id);
        LogRegistered(logger, server.Name, server.Url, server.InstanceId, cameBackEmpty);
        return new RegisterResponse(server.Id, cluster.ToConfig(), cameBackEmpty);
    }

    /// <summary>
    /// Records a heartbeat. An unknown server or a different instance id gets <c>ReRegister = true</c> and nothing
    /// is stored. A server reporting <see cref="HeartbeatRequest.Crashed"/> becomes <see cref="ServerState.Crashed"/>
    /// with every replica missing, and stays so until it registers again (a crashed server that no longer says so
    /// is asked to register again). Otherwise stats, activity and time are stored, a down server is up again, and a
    /// rebuilding server with nothing left to rebuild is up.
    /// </summary>
    public async Task<HeartbeatResponse> HeartbeatAsync(int serverId, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instanceId = ValidateInstanceId(request.InstanceId);
        var stats = ValidateStats(request.Stats);
        var reported = ValidateActivity(request.Activity);
        var response = await database.WriteAsync(tx =>
        {
            var server = tx.Cluster.GetServer(serverId);
            if (server is null || server.InstanceId != instanceId)
            {
                return new HeartbeatResponse(server?.State ?? ServerState.Down, ReRegister: true);
            }

            var now = clock.GetUtcNow();
            if (request.Crashed)
            {
                if (server.State != ServerState.Crashed)
                {
                    var missing = tx.Chunks.MarkServerReplicasMissing(serverId);
                    tx.Healing.PruneGarbage(serverId);
                    tx.Events.Append(new NewEventRecord(now, EventKinds.ServerCrashed, EventSeverity.Warning,
                        $"{server.Name} ({server.Url}) crashed (was {server.State}): it holds no data and serves nothing until it is restored; " +
                        $"{missing.ToString(CultureInfo.InvariantCulture)} replica(s) marked missing.",
                        "meta", ServerId: serverId));
                }

                tx.Cluster.UpdateServer(server.InState(ServerState.Crashed, now) with { LastHeartbeat = now, Stats = stats });
                tracker.Seen(serverId);
                return new HeartbeatResponse(ServerState.Crashed, ReRegister: false);
            }

            if (server.State == ServerState.Crashed)
            {
                // Its replicas were all marked missing; registering again takes it through rebuilding.
                return new HeartbeatResponse(ServerState.Crashed, ReRegister: true);
            }

            var updated = server with { LastHeartbeat = now, Stats = stats };
            if (server.State == ServerState.Down)
            {
                updated = updated.InState(LiveState(tx, serverId), now);
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
                    $"{server.Name} ({server.Url}) is heartbeating again and is {Describe(updated.State)}.", "meta", ServerId: serverId));
            }
            else if (server.State == ServerState.Rebuilding)
            {
                updated = RebuildCompletion.FinishIfDone(tx, updated, now);
            }

            tx.Cluster.UpdateServer(updated);
            tracker.Seen(serverId);
            return new HeartbeatResponse(updated.State, ReRegister: false);
        }, cancellationToken);

        if (!response.ReRegister && reported is not null)
        {
            activity.Record(serverId, reported);
        }

        return response;
    }

    /// <summary>Marks down every live or crashed server that has been silent past the heartbeat timeout; returns their ids.</summary>
    public async Task<IReadOnlyList<int>> MarkSilentServersDownAsync(CancellationToken cancellationToken)
    {
        if (tracker.SilentServers().Count == 0)
        {
            return [];
        }

        var marked = await database.WriteAsync(tx =>
        {
            var now = clock.GetUtcNow();
            var down = new List<(int Id, string Name)>();
            // Re-checked under the write lock: a heartbeat that was just stored refreshed the tracker already.
            foreach (var id in tracker.SilentServers())
            {
                var silence = tracker.SilenceOf(id) ?? TimeSpan.Zero;
                tracker.Forget(id);
                var server = tx.Cluster.GetServer(id);
                if (server is not { State: ServerState.Up or ServerState.Rebuilding or ServerState.Crashed })
                {
                    continue;
                }

                tx.Cluster.UpdateServer(server.InState(ServerState.Down, now));
                tx.Events.Append(new NewEventRecord(now, EventKinds.ServerDown, EventSeverity.Warning,
                    $"{server.Name} ({server.Url}) sent no heartbeat for {silence.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s " +
                    $"(timeout {tracker.Timeout.TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s): marked down.",
                    "meta", ServerId: id));
                down.Add((id, server.Name));
            }

            return down;
        }, cancellationToken);

        foreach (var (id, name) in marked)
        {
            LogMarkedDown(logger, name);
        }

        return [.. marked.Select(m => m.Id)];
    }

    /// <summary>Every data server.</summary>
    public async Task<IReadOnlyList<DataServerInfo>> ListServersAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(tx => tx.Cluster.ListServers().Select(s => s.ToInfo(activity.Get(s.Id))).ToList(), cancellationToken);

    /// <summary>One data server; ENOENT if unknown.</summary>
    public async Task<DataServerInfo> GetServerAsync(int serverId, CancellationToken cancellationToken) =>
        await database.ReadAsync(tx => tx.Cluster.GetServer(serverId)?.ToInfo(activity.Get(serverId)), cancellationToken)
            ?? throw new PosixException(Errno.ENOENT, $"There is no data server {serverId}.");

    /// <summary>Starts a fresh grace period for every live or crashed server, so a restart of meta does not mark them all down at once.</summary>
    public async Task StartGracePeriodAsync(CancellationToken cancellationToken)
    {
        var live = await database.ReadAsync(tx => tx.Cluster.ListServers().Where(s => s.IsLive || s.State == ServerState.Crashed).Select(s => s.Id).ToList(), cancellationToken);
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

    private static ServerActivity? ValidateActivity(ServerActivity? reported)
    {
        if (reported is null)
        {
            return null;
        }

        var rebuild = reported.Rebuild;
        var scrub = reported.Scrub;
        var counters = new[]
        {
            reported.RequestsServed, reported.BytesRead, reported.BytesWritten, reported.RepairsDone,
            rebuild?.ChunksDone ?? 0, rebuild?.ChunksTotal ?? 0, rebuild?.BytesDone ?? 0, rebuild?.BytesTotal ?? 0, rebuild?.Failed ?? 0,
            scrub?.ChunksChecked ?? 0, scrub?.ChunksTotal ?? 0, scrub?.BytesChecked ?? 0, scrub?.CorruptFound ?? 0,
        };
        if (counters.Any(c => c < 0) || !double.IsFinite(reported.LatencyMs) || reported.LatencyMs < 0)
        {
            throw new PosixException(Errno.EINVAL, "Activity figures cannot be negative, and the latency is a finite number of milliseconds.");
        }

        return reported;
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
