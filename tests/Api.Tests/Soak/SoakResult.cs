using System.Globalization;
using System.Text;

namespace ReplicaFs.Api.Tests.Soak;

/// <summary>The outcome of a soak run, written to report.json and report.md.</summary>
/// <param name="Seed">The seed of the workload and the faults.</param>
/// <param name="Minutes">The workload's configured length.</param>
/// <param name="WorkloadSeconds">How long the workload ran.</param>
/// <param name="HealSeconds">How long the cluster took to heal after the last fault.</param>
/// <param name="Acknowledged">Operations acknowledged, by kind (reads: verified reads).</param>
/// <param name="Failed">Operations refused or unanswered while a fault lasted, by kind.</param>
/// <param name="FailedButApplied">Failed operations that the cluster had applied (answer lost), by kind.</param>
/// <param name="Faults">Faults injected, by kind.</param>
/// <param name="Repairs">Replicas brought back to Ok (repair.finished events: read repair, catch-up, rebuild, repair after scrub).</param>
/// <param name="ReadsVerified">Reads compared with the model.</param>
/// <param name="BytesVerified">Bytes read back and compared with what was written (workload and final read-back).</param>
/// <param name="ReplicaBytesVerified">Bytes of every Ok replica whose digest matched the committed checksum at the end.</param>
/// <param name="WrongBytes">Bytes served that differ from what was acknowledged.</param>
/// <param name="Violations">Acknowledged operations lost, or states no operation explains.</param>
/// <param name="FinalProblems">What the final consistency check found.</param>
/// <param name="GarbageCollected">Whether the data servers ended up holding exactly the committed replicas.</param>
/// <param name="CommittedReplicas">How many committed replicas that is.</param>
/// <param name="Health">The cluster's health at the end.</param>
/// <param name="Events">The event log by kind.</param>
internal sealed record SoakResult(
    int Seed,
    double Minutes,
    double WorkloadSeconds,
    double HealSeconds,
    SortedDictionary<string, long> Acknowledged,
    SortedDictionary<string, long> Failed,
    SortedDictionary<string, long> FailedButApplied,
    SortedDictionary<string, long> Faults,
    long Repairs,
    long ReadsVerified,
    long BytesVerified,
    long ReplicaBytesVerified,
    long WrongBytes,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> FinalProblems,
    bool GarbageCollected,
    int CommittedReplicas,
    string Health,
    SortedDictionary<string, long> Events)
{
    /// <summary>The report for people.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"# Soak: {WorkloadSeconds / 60:0.0} minutes, seed {Seed}");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(culture, $"| Operations acknowledged | {Acknowledged.Values.Sum()} ({Join(Acknowledged)}) |");
        text.AppendLine(culture, $"| Operations failed during faults | {Failed.Values.Sum()} ({Join(Failed)}); applied after all: {FailedButApplied.Values.Sum()} |");
        text.AppendLine(culture, $"| Faults injected | {Faults.Values.Sum()} ({Join(Faults)}) |");
        text.AppendLine(culture, $"| Replicas repaired (repair.finished) | {Repairs} |");
        text.AppendLine(culture, $"| Reads verified | {ReadsVerified} |");
        text.AppendLine(culture, $"| Bytes verified by reading back | {BytesVerified} ({BytesVerified / (1024.0 * 1024):0.0} MiB) |");
        text.AppendLine(culture, $"| Replica bytes verified at the end (digests) | {ReplicaBytesVerified} ({ReplicaBytesVerified / (1024.0 * 1024):0.0} MiB) |");
        text.AppendLine(culture, $"| **Wrong bytes served** | **{WrongBytes}** |");
        text.AppendLine(culture, $"| **Acknowledged operations lost** | **{Violations.Count}** |");
        text.AppendLine(culture, $"| Final consistency problems | {FinalProblems.Count} |");
        text.AppendLine(culture, $"| Healed after the last fault in | {HealSeconds:0} s; health {Health} |");
        text.AppendLine(culture, $"| Garbage collected | {(GarbageCollected ? $"yes: the data servers hold exactly the {CommittedReplicas} committed replicas" : "no")} |");
        text.AppendLine(culture, $"| Events | {Join(Events)} |");
        foreach (var line in Violations.Concat(FinalProblems).Take(20))
        {
            text.AppendLine();
            text.AppendLine(culture, $"- {line}");
        }

        return text.ToString();
    }

    private static string Join(SortedDictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value}")));
}
