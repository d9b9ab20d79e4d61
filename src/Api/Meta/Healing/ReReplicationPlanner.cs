using System.Globalization;
using System.Text;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Meta.Healing;

/// <summary>
/// One pass of re-replication. A data server that has been down or crashed for longer than
/// <see cref="MetaServerOptions.ReReplicateAfter"/> (counted from meta's own start at the earliest) loses its
/// replicas to up servers: for each, a replica is added on the least-loaded up server outside the chunk's replica
/// set (state Missing, so that server's assignments make it copy the chunk from a valid replica) and the dead
/// server's replica is removed (its copy becomes garbage). Chunks with fewer replicas than min(R, servers) get
/// replicas added the same way. Fewest valid copies first, at most <see cref="MaxChangesPerPass"/> changes per pass.
/// </summary>
internal sealed class ReReplicationPlanner(IMetaDatabase database, ActiveClusterSettings cluster, MetaServerOptions options, ReReplicationStatus status, TimeProvider clock)
{
    /// <summary>Garbage-list reason of a replica moved away from a dead server.</summary>
    public const string GarbageReason = "re-replicated";

    /// <summary>Most replica moves and additions in one pass.</summary>
    public const int MaxChangesPerPass = 1000;

    /// <summary>Chunks named in an event.</summary>
    private const int NamedInEvent = 3;

    /// <summary>When this planner (meta) started: a server is dead for re-replication no earlier than one delay after it.</summary>
    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    /// <summary>Whether re-replication is switched on.</summary>
    public bool Enabled => options.ReReplicateAfter > TimeSpan.Zero;

    /// <summary>When <paramref name="server"/>, down or crashed, becomes due for re-replication.</summary>
    public DateTimeOffset DueAt(ServerRecord server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return (server.StateSince > StartedAt ? server.StateSince : StartedAt) + options.ReReplicateAfter;
    }

    /// <summary>Runs one pass: plans from a snapshot, then applies each change after checking it still holds.</summary>
    public async Task<ReReplicationPass> RunAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return ReReplicationPass.Nothing;
        }

        var now = clock.GetUtcNow();
        var plan = await database.ReadAsync(tx => MakePlan(tx, now), cancellationToken);
        status.Update(now, plan.Dead);
        if (plan.Moves.Count == 0 && plan.Additions.Count == 0)
        {
            return new ReReplicationPass(0, 0, plan.Dead.Values.Sum(c => c.NoTarget + c.OnlyCopy));
        }

        return await database.WriteAsync(tx => Apply(tx, plan, clock.GetUtcNow()), cancellationToken);
    }

    private Plan MakePlan(IMetaTransaction tx, DateTimeOffset now)
    {
        var servers = tx.Cluster.ListServers();
        var dead = servers
            .Where(s => s.State is ServerState.Down or ServerState.Crashed && s.ReplicaCount > 0 && now >= DueAt(s))
            .ToDictionary(s => s.Id, s => tx.Healing.CountReplicasToMove(s.Id));
        var moves = dead.Keys
            .SelectMany(id => tx.Healing.ListMovableReplicas(id, MaxChangesPerPass).Select(c => (From: id, Candidate: c)))
            .OrderBy(m => m.Candidate.Version == 0)
            .ThenBy(m => m.Candidate.LiveCopies)
            .ThenBy(m => m.Candidate.ChunkId)
            .ThenBy(m => m.From)
            .Take(MaxChangesPerPass)
            .ToList();
        var desired = Math.Min(cluster.Replicas, servers.Count);
        var additions = moves.Count < MaxChangesPerPass && servers.Any(s => s.State == ServerState.Up)
            ? tx.Healing.ListUndersizedChunks(desired, MaxChangesPerPass - moves.Count)
            : [];
        return new Plan(dead, moves, additions, desired);
    }

    private static ReReplicationPass Apply(IMetaTransaction tx, Plan plan, DateTimeOffset now)
    {
        var servers = tx.Cluster.ListServers().ToDictionary(s => s.Id);
        var load = servers.Values.Where(s => s.State == ServerState.Up).ToDictionary(s => s.Id, s => s.ReplicaCount);
        var moved = new Dictionary<int, List<(ChunkRecord Chunk, int To)>>();
        var added = new List<(ChunkRecord Chunk, int To)>();
        var skipped = 0;

        foreach (var (from, candidate) in plan.Moves)
        {
            // Checked again under the write lock: the server may have come back, the chunk may be gone or changed.
            var source = servers[from];
            var chunk = tx.Chunks.GetChunk(candidate.ChunkId);
            var replicas = chunk is null ? [] : tx.Chunks.ListReplicas(chunk.ChunkId);
            var target = source.State is ServerState.Down or ServerState.Crashed && replicas.Any(r => r.ServerId == from)
                ? LeastLoaded(load, [.. replicas.Select(r => r.ServerId)])
                : null;
            if (chunk is null || target is not { } to)
            {
                skipped++;
                continue;
            }

            tx.Chunks.AddReplica(chunk.ChunkId, to, ReplicaState.Missing, 0);
            tx.Healing.RemoveReplica(chunk.ChunkId, from);
            tx.Healing.QueueGarbage(chunk, from, GarbageReason, now);
            load[to]++;
            (moved.TryGetValue(from, out var list) ? list : moved[from] = []).Add((chunk, to));
        }

        foreach (var candidate in plan.Additions)
        {
            var chunk = tx.Chunks.GetChunk(candidate.ChunkId);
            if (chunk is null)
            {
                continue;
            }

            var members = tx.Chunks.ListReplicas(chunk.ChunkId).Select(r => r.ServerId).ToHashSet();
            var changes = moved.Values.Sum(l => l.Count) + added.Count;
            while (members.Count < plan.Desired && changes < MaxChangesPerPass && LeastLoaded(load, members) is { } to)
            {
                tx.Chunks.AddReplica(chunk.ChunkId, to, ReplicaState.Missing, 0);
                members.Add(to);
                load[to]++;
                added.Add((chunk, to));
                changes++;
            }
        }

        foreach (var (from, list) in moved)
        {
            var source = servers[from];
            var counts = plan.Dead[from];
            var left = Math.Max(0, counts.Movable - list.Count);
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"Re-replicated {RebuildCompletion.Replicas(list.Count)} of {source.Name} ({source.Url}), ")
                .Append(CultureInfo.InvariantCulture, $"{source.State.ToString().ToLowerInvariant()} since {EventText.Time(source.StateSince, now)}: ")
                .Append(Spread(list, servers)).Append(". ")
                .Append(Named(tx, list)).Append('.');
            if (left > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" {RebuildCompletion.Replicas(left)} still to move.");
            }

            if (counts.NoTarget > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" {RebuildCompletion.Replicas(counts.NoTarget)} cannot move: every up server already holds their chunks.");
            }

            if (counts.OnlyCopy > 0)
            {
                text.Append(counts.OnlyCopy == 1
                    ? " 1 replica stays: it is the only copy that may still be valid."
                    : $" {counts.OnlyCopy.ToString(CultureInfo.InvariantCulture)} replicas stay: they are the only copies that may still be valid.");
            }

            tx.Events.Append(new NewEventRecord(now, EventKinds.ReReplicated, EventSeverity.Info, text.ToString(), "meta", ServerId: from));
        }

        if (added.Count > 0)
        {
            tx.Events.Append(new NewEventRecord(now, EventKinds.ReReplicated, EventSeverity.Info,
                $"Added {RebuildCompletion.Replicas(added.Count)} to chunks with fewer than {plan.Desired.ToString(CultureInfo.InvariantCulture)}: " +
                $"{Spread(added, servers)}. {Named(tx, added)}.",
                "meta"));
        }

        var stuck = plan.Dead.Values.Sum(c => c.NoTarget + c.OnlyCopy);
        return new ReReplicationPass(moved.Values.Sum(l => l.Count), added.Count, stuck + skipped);
    }

    /// <summary>The up server with the fewest replicas (ties by id) outside the replica set, or null.</summary>
    private static int? LeastLoaded(Dictionary<int, long> load, HashSet<int> members) =>
        load.Where(p => !members.Contains(p.Key)).OrderBy(p => p.Value).ThenBy(p => p.Key).Select(p => (int?)p.Key).FirstOrDefault();

    /// <summary>"to data-1 (7), data-4 (5)".</summary>
    private static string Spread(List<(ChunkRecord Chunk, int To)> changes, Dictionary<int, ServerRecord> servers) =>
        "to " + string.Join(", ", changes.GroupBy(c => c.To).OrderBy(g => g.Key)
            .Select(g => $"{servers[g.Key].Name} ({g.Count().ToString(CultureInfo.InvariantCulture)})"));

    /// <summary>"First: /a chunk … (index 0), /b chunk … (index 3)".</summary>
    private static string Named(IMetaTransaction tx, List<(ChunkRecord Chunk, int To)> changes) =>
        "First: " + string.Join(", ", changes.Take(NamedInEvent)
            .Select(c => $"{EventText.File(tx.Namespace.PathOf(c.Chunk.Ino), c.Chunk.Ino)} {EventText.Chunk(c.Chunk)}"));

    private sealed record Plan(
        IReadOnlyDictionary<int, ReplicaMoveCounts> Dead,
        IReadOnlyList<(int From, ReplicaMoveCandidate Candidate)> Moves,
        IReadOnlyList<ReplicaMoveCandidate> Additions,
        int Desired);
}

/// <summary>What one re-replication pass did.</summary>
/// <param name="Moved">Replicas moved off dead servers.</param>
/// <param name="Added">Replicas added to chunks with too few.</param>
/// <param name="Left">Replicas of dead servers that could not move (no target, the only copy, or changed meanwhile).</param>
internal sealed record ReReplicationPass(int Moved, int Added, long Left)
{
    /// <summary>A pass that did not run.</summary>
    public static ReReplicationPass Nothing { get; } = new(0, 0, 0);

    /// <summary>Whether the pass used its whole budget, so more work is probably waiting.</summary>
    public bool Full => Moved + Added >= ReReplicationPlanner.MaxChangesPerPass;
}
