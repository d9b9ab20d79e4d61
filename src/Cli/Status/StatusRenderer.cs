using System.Globalization;
using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Status;

/// <summary>The human form of <c>status</c>.</summary>
internal static class StatusRenderer
{
    /// <summary>Writes the snapshot as text.</summary>
    public static void Write(TextWriter writer, StatusSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        var clock = snapshot.Health?.GeneratedAt ?? now;
        if (snapshot.Config is { } config)
        {
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ReplicaFs cluster {config.ClusterId[..Math.Min(8, config.ClusterId.Length)]} at {Display.Url(snapshot.Meta)}: R={config.Replicas}, chunk size {Units.Bytes(config.ChunkSize)}, heartbeat timeout {Units.Duration(TimeSpan.FromMilliseconds(config.HeartbeatTimeoutMs))}"));
        }
        else
        {
            writer.WriteLine($"ReplicaFs cluster at {Display.Url(snapshot.Meta)}");
        }

        writer.WriteLine($"Health: {snapshot.Status.ToString().ToUpperInvariant()}");
        foreach (var reason in snapshot.Reasons)
        {
            writer.WriteLine($"  - {reason}");
        }

        if (snapshot.Health is not { } health)
        {
            return;
        }

        writer.WriteLine();
        writer.WriteLine($"Data servers: {health.ServersUp} of {health.ServersTotal} up");
        if (snapshot.Servers.Count > 0)
        {
            var servers = new TextTable("NAME", "URL", "STATE", ">CHUNKS", ">STORED", ">REPLICAS", ">HEARTBEAT", "ACTIVITY");
            foreach (var server in snapshot.Servers)
            {
                servers.AddRow(
                    server.Name,
                    server.Url,
                    server.State.ToString(),
                    Units.Count(server.Stats.ChunkCount),
                    Units.Bytes(server.Stats.BytesStored),
                    Units.Count(server.ReplicaCount),
                    Units.Duration(clock - server.LastHeartbeat) + " ago",
                    Activity(server.Activity));
            }

            servers.WriteTo(writer);
        }

        writer.WriteLine();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Namespace: {Units.Count(health.Files)} files, {Units.Count(health.Directories)} directories, {Units.Count(health.Chunks)} chunks, {Units.Bytes(health.LogicalBytes)} of file data, {Units.Bytes(health.StoredBytes)} stored"));
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Chunks: {Units.Count(health.UnderReplicatedChunks)} under-replicated, {Units.Count(health.UnavailableChunks)} without a valid copy"));
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Replicas waiting for repair: {Units.Count(health.StaleReplicas)} stale, {Units.Count(health.CorruptReplicas)} corrupt, {Units.Count(health.MissingReplicas)} missing, {Units.Count(health.RebuildingReplicas)} rebuilding"));

        if (health.Matrix.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"Replica matrix (chunks by valid copies; desired {health.DesiredReplicas}):");
            var matrix = new TextTable(">VALID COPIES", ">CHUNKS", string.Empty);
            foreach (var cell in health.Matrix)
            {
                var note = cell.ValidCopies == health.DesiredReplicas ? "as desired"
                    : cell.ValidCopies == 0 ? (cell.Chunks > 0 ? "unreadable" : string.Empty)
                    : cell.ValidCopies < health.DesiredReplicas ? (cell.Chunks > 0 ? "under-replicated" : string.Empty)
                    : string.Empty;
                matrix.AddRow(cell.ValidCopies.ToString(CultureInfo.InvariantCulture), Units.Count(cell.Chunks), note);
            }

            matrix.WriteTo(writer);
        }

        writer.WriteLine();
        writer.WriteLine($"Client sessions: {health.Clients.Count}");
        if (health.Clients.Count > 0)
        {
            var clients = new TextTable(">ID", "NAME", "HOST", ">PID", ">QR", ">QW", "CONSISTENCY", ">LAST SEEN");
            foreach (var client in health.Clients)
            {
                clients.AddRow(
                    client.Id.ToString(CultureInfo.InvariantCulture),
                    client.Name,
                    client.Host,
                    client.Pid.ToString(CultureInfo.InvariantCulture),
                    client.ReadQuorum.ToString(CultureInfo.InvariantCulture),
                    client.WriteQuorum.ToString(CultureInfo.InvariantCulture),
                    client.StronglyConsistent ? "strong" : "NOT strongly consistent",
                    Units.Duration(clock - client.LastSeen) + " ago");
            }

            clients.WriteTo(writer);
        }
    }

    /// <summary>What a server is busy with: its rebuild or scrub pass under way, "-" when idle.</summary>
    public static string Activity(ServerActivity? activity)
    {
        var parts = new List<string>();
        if (activity?.Rebuild is { Active: true } rebuild)
        {
            var failed = rebuild.Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {rebuild.Failed} failed") : string.Empty;
            parts.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"rebuild {rebuild.ChunksDone}/{rebuild.ChunksTotal} replicas, {Units.Bytes(rebuild.BytesDone)}/{Units.Bytes(rebuild.BytesTotal)} ({Units.Percent(rebuild.BytesDone, rebuild.BytesTotal)}){failed}"));
        }

        if (activity?.Scrub is { Active: true } scrub)
        {
            var corrupt = scrub.CorruptFound > 0 ? string.Create(CultureInfo.InvariantCulture, $", {scrub.CorruptFound} corrupt") : string.Empty;
            parts.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"scrub {scrub.ChunksChecked}/{scrub.ChunksTotal} ({Units.Percent(scrub.ChunksChecked, scrub.ChunksTotal)}){corrupt}"));
        }

        return parts.Count == 0 ? "-" : string.Join("; ", parts);
    }
}
