using System.Globalization;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Health;

/// <summary>
/// Turns a snapshot into the health summary. A valid copy is an Ok replica on an up or rebuilding server.
/// <list type="bullet">
/// <item><b>Unavailable</b>: no data server is up, or a committed chunk has no valid copy, or fewer valid copies
/// than the largest read quorum of a live client.</item>
/// <item><b>Degraded</b>: a server is not up, or a chunk has fewer valid copies than min(R, servers), or a replica
/// of a committed chunk is stale, corrupt, missing or rebuilding.</item>
/// <item><b>Healthy</b> otherwise.</item>
/// </list>
/// Pure, so each rule is tested on its own.
/// </summary>
internal static class HealthAssessment
{
    /// <summary>Clients named in the reasons; the others are counted.</summary>
    private const int ClientsNamed = 3;

    /// <summary>Computes the summary.</summary>
    public static ClusterHealth Assess(HealthInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var servers = inputs.Servers;
        var serversUp = servers.Count(s => s.IsLive);
        var desired = Math.Min(inputs.Replicas, servers.Count);
        var rows = inputs.Copies.Rows;
        var byCopies = rows.ToDictionary(c => c.ValidCopies, c => c.Chunks);
        var chunks = rows.Sum(c => c.Chunks);
        var unavailable = byCopies.GetValueOrDefault(0);
        var underReplicated = rows.Where(c => c.ValidCopies < desired).Sum(c => c.Chunks);
        var (stale, corrupt, missing, rebuilding) = (inputs.Copies.Stale, inputs.Copies.Corrupt, inputs.Copies.Missing, inputs.Copies.Rebuilding);
        var largest = rows.Count == 0 ? -1 : rows.Max(c => c.ValidCopies);
        var matrix = Enumerable.Range(0, largest + 1).Select(n => new ReplicaMatrixCell(n, byCopies.GetValueOrDefault(n))).ToList();

        var unavailableReasons = new List<string>();
        var degradedReasons = new List<string>();
        if (serversUp == 0)
        {
            unavailableReasons.Add(servers.Count == 0 ? "No data server has registered." : "No data server is up.");
        }

        if (unavailable > 0)
        {
            unavailableReasons.Add($"{Chunks(unavailable)} {Have(unavailable)} no valid copy: {(unavailable == 1 ? "it" : "they")} cannot be read until a server holding one comes back.");
        }

        unavailableReasons.AddRange(ClientReasons(inputs.Clients, rows));

        foreach (var server in servers.Where(s => s.State != ServerState.Up))
        {
            degradedReasons.Add(ServerReason(server, inputs));
        }

        foreach (var row in rows.Where(c => c.ValidCopies > 0 && c.ValidCopies < desired))
        {
            degradedReasons.Add($"{Chunks(row.Chunks)} {Have(row.Chunks)} {Number(row.ValidCopies)} of {Number(desired)} valid copies.");
        }

        if (stale + corrupt + missing + rebuilding > 0)
        {
            var parts = new[] { (stale, "stale"), (corrupt, "corrupt"), (missing, "missing"), (rebuilding, "rebuilding") }
                .Where(p => p.Item1 > 0)
                .Select(p => $"{Number(p.Item1)} {p.Item2}");
            degradedReasons.Add($"Replicas waiting for repair: {string.Join(", ", parts)}.");
        }

        var status = unavailableReasons.Count > 0 ? HealthStatus.Unavailable
            : degradedReasons.Count > 0 || underReplicated > 0 ? HealthStatus.Degraded
            : HealthStatus.Healthy;
        return new ClusterHealth(
            status,
            [.. unavailableReasons, .. degradedReasons],
            inputs.Replicas,
            inputs.Inodes.Files,
            inputs.Inodes.Directories,
            chunks,
            inputs.Inodes.LogicalBytes,
            servers.Sum(s => s.Stats.BytesStored),
            underReplicated,
            unavailable,
            stale,
            corrupt,
            missing,
            rebuilding,
            matrix,
            serversUp,
            servers.Count,
            inputs.Clients,
            inputs.Now);
    }

    /// <summary>One sentence per client whose read quorum some chunks cannot meet, largest quorum first.</summary>
    private static IEnumerable<string> ClientReasons(IReadOnlyList<ClientSession> clients, IReadOnlyList<CopyCountRow> copies)
    {
        var affected = clients
            .Select(c => (Client: c, Short: copies.Where(r => r.ValidCopies < c.ReadQuorum).ToList()))
            .Where(a => a.Short.Sum(r => r.Chunks) > 0)
            .OrderByDescending(a => a.Client.ReadQuorum)
            .ThenBy(a => a.Client.Id)
            .ToList();
        foreach (var (client, rows) in affected.Take(ClientsNamed))
        {
            var count = rows.Sum(r => r.Chunks);
            var have = rows.Count == 1
                ? $"{(rows[0].ValidCopies == 0 ? "no" : "only " + Number(rows[0].ValidCopies))} valid {(rows[0].ValidCopies == 1 ? "copy" : "copies")}"
                : $"fewer than {Number(client.ReadQuorum)} valid copies";
            yield return $"Client '{client.Name}' reads with Qr={Number(client.ReadQuorum)} but {Chunks(count)} {Have(count)} {have}.";
        }

        if (affected.Count > ClientsNamed)
        {
            yield return $"{Number(affected.Count - ClientsNamed)} more client(s) cannot read some chunks with their read quorum.";
        }
    }

    private static string ServerReason(ServerRecord server, HealthInputs inputs)
    {
        var since = EventText.Time(server.StateSince, inputs.Now);
        switch (server.State)
        {
            case ServerState.Rebuilding:
                var left = inputs.ToRebuild.GetValueOrDefault(server.Id);
                return $"{server.Name} is rebuilding since {since}: {RebuildCompletion.Replicas(left)} to go, {RebuildCompletion.Replicas(server.RebuiltReplicas)} rebuilt.";
            case ServerState.Crashed:
                return $"{server.Name} crashed at {since} and holds no data until it is restored.{MoveOutlook(server, inputs)}";
            default:
                return $"{server.Name} is down since {since}.{MoveOutlook(server, inputs)}";
        }
    }

    /// <summary>What happens to a dead server's replicas, as a sentence starting with a space (or nothing).</summary>
    private static string MoveOutlook(ServerRecord server, HealthInputs inputs)
    {
        if (server.ReplicaCount == 0)
        {
            return string.Empty;
        }

        var outlook = inputs.ReReplication(server);
        var replicas = RebuildCompletion.Replicas(server.ReplicaCount);
        if (!outlook.Enabled)
        {
            return $" Its {replicas} {(server.ReplicaCount == 1 ? "is" : "are")} not re-replicated: re-replication is off.";
        }

        if (inputs.Now < outlook.DueAt || outlook.Counts is not { } counts)
        {
            return $" Its {replicas} will be re-replicated from {EventText.Time(outlook.DueAt, inputs.Now)} unless it comes back.";
        }

        var parts = new List<string>();
        if (counts.Movable > 0)
        {
            parts.Add($" Re-replicating its replicas: {Number(counts.Movable)} to move.");
        }

        if (counts.NoTarget > 0)
        {
            parts.Add($" {RebuildCompletion.Replicas(counts.NoTarget)} cannot be re-replicated: every up server already holds those chunks " +
                $"({Number(inputs.Servers.Count)} data servers, R={Number(inputs.Replicas)}).");
        }

        if (counts.OnlyCopy > 0)
        {
            parts.Add(counts.OnlyCopy == 1
                ? " 1 replica stays on it: it is the only copy that may still be valid."
                : $" {Number(counts.OnlyCopy)} replicas stay on it: they are the only copies that may still be valid.");
        }

        return string.Concat(parts);
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Chunks(long n) => EventText.Count(n, "chunk");

    private static string Have(long n) => n == 1 ? "has" : "have";
}
