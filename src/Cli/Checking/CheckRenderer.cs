using System.Globalization;
using ReplicaFs.Cli.Output;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;

namespace ReplicaFs.Cli.Checking;

/// <summary>The text and JSON forms of a <see cref="CheckReport"/>.</summary>
internal static class CheckRenderer
{
    /// <summary>At most this many bad replicas are listed in text (all of them in JSON).</summary>
    public const int MaxListed = 50;

    /// <summary>Writes the report as text: the bad replicas, the files below Qr, the totals and the verdict.</summary>
    public static void Write(TextWriter writer, CheckReport report, IReadOnlyDictionary<int, string> serverNames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(serverNames);
        var bad = BadReplicas(report).ToList();
        if (bad.Count > 0)
        {
            writer.WriteLine(report.Repaired ? "Replicas that were bad:" : "Bad replicas:");
            var table = report.Repaired
                ? new TextTable("PATH", ">CHUNK", ">VERSION", "SERVER", "FOUND", "REPAIR", "DETAIL")
                : new TextTable("PATH", ">CHUNK", ">VERSION", "SERVER", "FOUND", "DETAIL");
            foreach (var b in bad.Take(MaxListed))
            {
                var server = ServerName(serverNames, b.Replica.ServerId, b.Replica.Url);
                var found = b.Replica.Verdict.ToString().ToLowerInvariant();
                if (report.Repaired)
                {
                    table.AddRow(b.File.File.Path, Number(b.Chunk.Chunk.Index), Number(b.Chunk.Chunk.Version), server, found, Outcome(b.Replica.Repair), b.Replica.RepairDetail ?? b.Replica.Detail);
                }
                else
                {
                    table.AddRow(b.File.File.Path, Number(b.Chunk.Chunk.Index), Number(b.Chunk.Chunk.Version), server, found, b.Replica.Detail);
                }
            }

            table.WriteTo(writer);
            if (bad.Count > MaxListed)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … and {bad.Count - MaxListed} more (--json lists every one)."));
            }

            writer.WriteLine();
        }

        var unreadable = report.Unreadable;
        if (unreadable.Count > 0)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Files with a chunk below the read quorum Qr={report.ReadQuorum.Value} (a quorum read of it fails with EIO):"));
            foreach (var file in unreadable.Take(MaxListed))
            {
                var chunks = file.BelowQuorum(report.ReadQuorum.Value);
                var first = chunks[0];
                writer.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {file.File.Path}: {chunks.Count} chunk(s), e.g. chunk {first.Chunk.Index} with {FileCheck.GoodReplicas(first)} good replica(s) of {first.Replicas.Count}"));
            }

            writer.WriteLine();
        }

        foreach (var vanished in report.Files.Where(f => f.Vanished is not null).Take(MaxListed))
        {
            writer.WriteLine($"Skipped {vanished.File.Path}: {vanished.Vanished}.");
        }

        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{Units.Count(report.FilesChecked)} files, {Units.Count(report.Chunks)} chunks, {Units.Count(report.Replicas)} replicas verified in {Units.Duration(report.Took)}: {(report.Repaired ? "found " : string.Empty)}{Units.Count(report.Count(ReplicaVerdict.Ok))} good, {Units.Count(report.Count(ReplicaVerdict.Corrupt))} corrupt, {Units.Count(report.Count(ReplicaVerdict.Stale))} stale, {Units.Count(report.Count(ReplicaVerdict.Missing))} missing, {Units.Count(report.Count(ReplicaVerdict.Unreachable))} unreachable, {Units.Count(report.Count(ReplicaVerdict.Failed))} failed."));
        if (report.Repaired)
        {
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Repaired {Units.Count(report.Count(RepairOutcome.Repaired))} replica(s); {Units.Count(report.Count(RepairOutcome.Failed))} repair(s) failed; {Units.Count(report.Replicas - report.GoodReplicas - report.Count(RepairOutcome.Failed))} bad replica(s) could not be attempted (their server does not answer, or it failed)."));
        }

        writer.WriteLine($"Read quorum: Qr={report.ReadQuorum.Value} ({report.ReadQuorum.Source}).");
        writer.WriteLine(Conclusion(report));
    }

    /// <summary>The report as one JSON document.</summary>
    public static void WriteJson(TextWriter writer, CheckReport report, IReadOnlyDictionary<int, string> serverNames)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(serverNames);
        CliJson.Write(writer, new
        {
            root = report.Root,
            result = report.Verdict,
            exitCode = report.ExitCode,
            readQuorum = report.ReadQuorum.Value,
            readQuorumSource = report.ReadQuorum.Source,
            repaired = report.Repaired,
            tookSeconds = Math.Round(report.Took.TotalSeconds, 3),
            files = report.FilesChecked,
            chunks = report.Chunks,
            replicas = report.Replicas,
            goodReplicas = report.GoodReplicas,
            verdicts = Enum.GetValues<ReplicaVerdict>().Where(v => v != ReplicaVerdict.Pending).ToDictionary(v => v.ToString().ToLowerInvariant(), report.Count),
            repairs = report.Repaired ? Enum.GetValues<RepairOutcome>().ToDictionary(o => Outcome(o), report.Count) : null,
            unreadableFiles = report.Unreadable.Select(f => new
            {
                path = f.File.Path,
                ino = f.File.Attributes.Ino,
                chunks = f.BelowQuorum(report.ReadQuorum.Value).Select(c => new { index = c.Chunk.Index, goodReplicas = FileCheck.GoodReplicas(c), replicas = c.Replicas.Count }),
            }),
            badReplicas = BadReplicas(report).Select(b => new
            {
                path = b.File.File.Path,
                ino = b.File.File.Attributes.Ino,
                chunk = b.Chunk.Chunk.Index,
                chunkId = b.Chunk.Chunk.ChunkId,
                version = b.Chunk.Chunk.Version,
                serverId = b.Replica.ServerId,
                server = ServerName(serverNames, b.Replica.ServerId, b.Replica.Url),
                url = b.Replica.Url,
                found = b.Replica.Verdict.ToString().ToLowerInvariant(),
                detail = b.Replica.Detail,
                repair = report.Repaired ? Outcome(b.Replica.Repair) : null,
                repairDetail = b.Replica.RepairDetail,
            }),
            skipped = report.Files.Where(f => f.Vanished is not null).Select(f => new { path = f.File.Path, reason = f.Vanished }),
        });
    }

    /// <summary>The last line: the verdict and what to do.</summary>
    public static string Conclusion(CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var qr = report.ReadQuorum.Value;
        var bad = report.Replicas - report.GoodReplicas;
        var next = report.Repaired
            ? "What could not be repaired sits on servers that do not answer: bring them back (./replicafs status), then repair again."
            : "Repair them with: ./replicafs repair";
        return report.ExitCode switch
        {
            ExitCodes.Ok => report.Repaired && report.Count(RepairOutcome.Repaired) > 0
                ? "Result: OK: every bad replica was repaired; every replica now verifies against its committed checksum."
                : "Result: OK: every replica verifies against its committed checksum.",
            ExitCodes.Degraded => string.Create(
                CultureInfo.InvariantCulture,
                $"Result: DEGRADED: {bad} replica(s) of {report.Damaged.Count} file(s) are not good, but every file still has Qr={qr} good replicas of every chunk. {next}"),
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"Result: UNREADABLE: {report.Unreadable.Count} file(s) have a chunk with fewer than Qr={qr} good replicas. Bring back the servers that are down (./replicafs status), then run ./replicafs repair."),
        };
    }

    private static IEnumerable<(FileCheck File, ChunkVerification Chunk, ReplicaVerification Replica)> BadReplicas(CheckReport report) =>
        from file in report.Files
        from chunk in file.Chunks
        from replica in chunk.Replicas
        where replica.Verdict != ReplicaVerdict.Ok
        select (file, chunk, replica);

    private static string Outcome(RepairOutcome outcome) => outcome switch
    {
        RepairOutcome.NotNeeded => "not-needed",
        RepairOutcome.NotAttempted => "not-attempted",
        RepairOutcome.Repaired => "repaired",
        _ => "failed",
    };

    private static string ServerName(IReadOnlyDictionary<int, string> names, int id, string url) =>
        names.TryGetValue(id, out var name) ? name : url;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
