using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;

namespace ReplicaFs.Cli.Checking;

/// <summary>What <c>fsck</c> or <c>repair</c> found over every file it checked, judged against <see cref="ReadQuorum"/>.</summary>
/// <param name="Root">The path checked.</param>
/// <param name="ReadQuorum">Qr.</param>
/// <param name="Repaired">Whether bad replicas were repaired (<c>repair</c>) or only looked at (<c>fsck</c>).</param>
/// <param name="Files">Every file, in path order.</param>
/// <param name="Took">How long it took.</param>
internal sealed record CheckReport(string Root, ReadQuorum ReadQuorum, bool Repaired, IReadOnlyList<FileCheck> Files, TimeSpan Took)
{
    /// <summary>Files checked (not counting those that vanished).</summary>
    public int FilesChecked => Files.Count(f => f.Vanished is null);

    /// <summary>Chunks with committed data.</summary>
    public int Chunks => Files.Sum(f => f.Chunks.Count);

    /// <summary>Replicas asked.</summary>
    public int Replicas => Files.Sum(f => f.Chunks.Sum(c => c.Replicas.Count));

    /// <summary>Replicas that are good (as found, or after their repair).</summary>
    public int GoodReplicas => Files.Sum(f => f.Chunks.Sum(FileCheck.GoodReplicas));

    /// <summary>Replicas by what their digest said when they were first asked.</summary>
    public int Count(ReplicaVerdict verdict) => Files.Sum(f => f.Chunks.Sum(c => c.Replicas.Count(r => r.Verdict == verdict)));

    /// <summary>Replicas whose repair ended so.</summary>
    public int Count(RepairOutcome outcome) => Files.Sum(f => f.Chunks.Sum(c => c.Replicas.Count(r => r.Repair == outcome)));

    /// <summary>Files with a chunk below the read quorum.</summary>
    public IReadOnlyList<FileCheck> Unreadable => [.. Files.Where(f => f.BelowQuorum(ReadQuorum.Value).Count > 0)];

    /// <summary>Files with a replica that is not good (including the unreadable ones).</summary>
    public IReadOnlyList<FileCheck> Damaged => [.. Files.Where(f => f.Vanished is null && !f.AllGood)];

    /// <summary>0 when every replica is good, 1 when some is not but every file has Qr good replicas, 2 when some file has not.</summary>
    public int ExitCode => Unreadable.Count > 0 ? ExitCodes.Unavailable : Damaged.Count > 0 ? ExitCodes.Degraded : ExitCodes.Ok;

    /// <summary>"OK", "DEGRADED" or "UNREADABLE".</summary>
    public string Verdict => ExitCode switch
    {
        ExitCodes.Ok => "OK",
        ExitCodes.Degraded => "DEGRADED",
        _ => "UNREADABLE",
    };
}
