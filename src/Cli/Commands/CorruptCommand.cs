using System.CommandLine;
using ReplicaFs.Cli.Cluster;
using ReplicaFs.Cli.Files;
using ReplicaFs.Cli.Output;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.CommandLine;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Commands;

/// <summary>
/// <c>corrupt &lt;path&gt; [--server S] [--chunk N] [--offset O] [--count C] [--json]</c>: flip bytes of one replica of
/// one chunk of a file on disk, through that data server's corrupt fault endpoint (the recorded checksum stays).
/// </summary>
internal static class CorruptCommand
{
    public static Command Create(GlobalOptions global, CliContext context)
    {
        var path = new Argument<string>("path") { Description = "A regular file in the cluster, e.g. /a/you.txt." };
        var server = new Option<string?>("--server", "-s") { Description = "The data server whose replica to damage (name or URL; default: the first with a good replica)." };
        var chunk = new Option<long>("--chunk", "-c") { Description = "The chunk index in the file.", DefaultValueFactory = _ => 0 };
        var offset = new Option<long?>("--offset") { Description = "Byte offset in the chunk where flipping starts (default: the middle)." };
        var count = new Option<int>("--count") { Description = "Bytes to flip (1 to 1048576; clamped to the end of the chunk).", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Print what was damaged as JSON." };
        chunk.Validators.Add(r =>
        {
            if (r.TryGetValue(out long parsed) && parsed < 0)
            {
                r.AddError("--chunk must be 0 or more.");
            }
        });
        offset.Validators.Add(r =>
        {
            if (r.TryGetValue(out long? parsed) && parsed is < 0)
            {
                r.AddError("--offset must be 0 or more.");
            }
        });
        count.Validators.Add(r =>
        {
            if (r.TryGetValue(out int parsed) && parsed is < 1 or > 1024 * 1024)
            {
                r.AddError("--count must be between 1 and 1048576.");
            }
        });

        var command = new Command(
            "corrupt",
            "Damage one replica of one chunk of a file on disk (fault injection; the recorded checksum stays, so readers, the scrubber and fsck detect it). Needs the admin token.")
        {
            path,
            server,
            chunk,
            offset,
            count,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = await global.LocateAsync(parse, context, cancellationToken);
            target.RequireAdminToken("corrupt");
            await using var connection = ClusterConnection.Open(target);
            var file = ClusterPaths.Normalize(parse.GetRequiredValue(path));
            var attributes = await ClusterPaths.ResolveAsync(connection.Meta, file, cancellationToken);
            if (attributes.Kind != FileKind.File)
            {
                throw CliException.BadInput($"{file} is a {(attributes.Kind == FileKind.Directory ? "directory" : "symbolic link")}: corrupt damages a chunk of a regular file.");
            }

            var index = parse.GetValue(chunk);
            var page = await connection.Meta.GetChunksAsync(attributes.Ino, index, 1, cancellationToken);
            var info = page.Chunks.FirstOrDefault(c => c.Index == index && c.Version > 0)
                ?? throw CliException.BadInput(NoChunk(file, index, page));

            var servers = await connection.Meta.GetServersAsync(cancellationToken);
            var (replica, victim) = PickReplica(file, info, servers, parse.GetValue(server));
            var key = ChunkKey.FromId(info.ChunkId);
            var who = Display.Server(victim);
            var result = await ServerCalls.RunAsync(
                who,
                "corrupt",
                () => connection.Faults(victim.Url, "corrupt").CorruptAsync(new CorruptRequest(key, info.Version, parse.GetValue(offset), parse.GetValue(count)), cancellationToken),
                notFound: $"{who} answered 404 for version {info.Version} of chunk {key}: it does not hold that version, or it runs without --enable-faults");

            if (parse.GetValue(json))
            {
                CliJson.Write(context.Out, new
                {
                    path = file,
                    ino = attributes.Ino,
                    chunkIndex = info.Index,
                    chunkId = info.ChunkId,
                    key = result.Key,
                    version = result.Version,
                    server = victim.Name,
                    serverId = victim.Id,
                    url = victim.Url,
                    replicaStateAtMeta = replica.State,
                    offset = result.Offset,
                    count = result.Count,
                });
            }
            else
            {
                await context.Out.WriteLineAsync(
                    $"Corrupted {file} chunk {info.Index} on {who}: flipped {result.Count} byte(s) at offset {result.Offset} of version {result.Version} of chunk key {result.Key}.");
                await context.Out.WriteLineAsync(
                    "The recorded checksum was left as it was, and the metadata server still lists the replica " + replica.State +
                    ": a quorum read, the scrubber (./replicafs scrub) or ./replicafs fsck will find it.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string NoChunk(string file, long index, ChunkMapPage page)
    {
        if (page.Size == 0)
        {
            return $"{file} is empty: it has no chunk to corrupt.";
        }

        var chunks = (page.Size + page.ChunkSize - 1) / page.ChunkSize;
        return index >= chunks
            ? $"{file} has chunks 0 to {chunks - 1} ({Units.Bytes(page.Size)} in chunks of {Units.Bytes(page.ChunkSize)}), not {index}."
            : $"Chunk {index} of {file} holds no data (a hole): there is nothing stored to corrupt.";
    }

    private static (ReplicaInfo Replica, DataServerInfo Server) PickReplica(string file, ChunkInfo chunk, IReadOnlyList<DataServerInfo> servers, string? wanted)
    {
        var byId = servers.ToDictionary(s => s.Id);
        if (wanted is not null)
        {
            var named = ServerResolver.Resolve(servers, wanted);
            var replica = chunk.Replicas.FirstOrDefault(r => r.ServerId == named.Id)
                ?? throw CliException.BadInput(
                    $"Chunk {chunk.Index} of {file} has no replica on {named.Name}; its replicas are on " +
                    string.Join(", ", chunk.Replicas.Select(r => byId.TryGetValue(r.ServerId, out var s) ? s.Name : r.Url)) + ".");
            return (replica, named);
        }

        var good = chunk.Replicas
            .Where(r => r.State == ReplicaState.Ok && byId.TryGetValue(r.ServerId, out var s) && s.State is ServerState.Up or ServerState.Rebuilding)
            .Select(r => (Replica: r, Server: byId[r.ServerId]))
            .OrderBy(p => p.Server.Name.Length)
            .ThenBy(p => p.Server.Name, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault();
        return good.Replica is not null
            ? good
            : throw CliException.BadInput($"Chunk {chunk.Index} of {file} has no good replica on a live server to corrupt; name one with --server.");
    }
}
