using ReplicaFs.Cli.Checking;
using ReplicaFs.Cli.Files;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Tests.Unit;

/// <summary>How fsck and repair judge what they found: good replicas, the read quorum, the verdict and the exit code.</summary>
public sealed class CheckReportTests
{
    private static readonly ReadQuorum Qr2 = new(2, "--qr");

    [Fact]
    public void Every_replica_good_is_OK_with_exit_code_0()
    {
        var report = Report(File("/a", Chunk(ReplicaVerdict.Ok, ReplicaVerdict.Ok, ReplicaVerdict.Ok)));

        Assert.Equal(ExitCodes.Ok, report.ExitCode);
        Assert.Equal("OK", report.Verdict);
        Assert.Equal(3, report.GoodReplicas);
        Assert.Empty(report.Damaged);
    }

    [Fact]
    public void A_bad_replica_with_Qr_good_ones_left_is_DEGRADED_with_exit_code_1()
    {
        var report = Report(
            File("/a", Chunk(ReplicaVerdict.Ok, ReplicaVerdict.Corrupt, ReplicaVerdict.Ok)),
            File("/b", Chunk(ReplicaVerdict.Ok, ReplicaVerdict.Ok, ReplicaVerdict.Unreachable)));

        Assert.Equal(ExitCodes.Degraded, report.ExitCode);
        Assert.Equal(["/a", "/b"], report.Damaged.Select(f => f.File.Path));
        Assert.Empty(report.Unreadable);
        Assert.Equal(1, report.Count(ReplicaVerdict.Corrupt));
        Assert.Equal(1, report.Count(ReplicaVerdict.Unreachable));
        Assert.Contains("Repair them with: ./replicafs repair", CheckRenderer.Conclusion(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_chunk_with_fewer_good_replicas_than_Qr_is_UNREADABLE_with_exit_code_2()
    {
        var report = Report(File("/a", Chunk(ReplicaVerdict.Ok, ReplicaVerdict.Ok, ReplicaVerdict.Ok), Chunk(1, ReplicaVerdict.Stale, ReplicaVerdict.Missing, ReplicaVerdict.Ok)));

        Assert.Equal(ExitCodes.Unavailable, report.ExitCode);
        Assert.Equal("UNREADABLE", report.Verdict);
        var file = Assert.Single(report.Unreadable);
        Assert.Equal(1, Assert.Single(file.BelowQuorum(2)).Chunk.Index);
    }

    [Fact]
    public void A_repaired_replica_counts_as_good()
    {
        var repaired = new ReplicaVerification(2, "http://b", ReplicaVerdict.Corrupt, "hash differs", RepairOutcome.Repaired, "digest matches now");
        var report = Report(File("/a", new ChunkVerification(Info(0), [Ok(1), repaired, Ok(3)])), repair: true);

        Assert.Equal(ExitCodes.Ok, report.ExitCode);
        Assert.Equal(1, report.Count(RepairOutcome.Repaired));
        Assert.StartsWith("Result: OK: every bad replica was repaired", CheckRenderer.Conclusion(report), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_removed_while_checked_is_skipped_not_judged()
    {
        var vanished = new FileCheck(new ClusterFile("/gone", Attributes(9)), null, "removed while the check ran");
        var report = new CheckReport("/", Qr2, false, [vanished], TimeSpan.Zero);

        Assert.Equal(ExitCodes.Ok, report.ExitCode);
        Assert.Equal(0, report.FilesChecked);
    }

    private static CheckReport Report(params FileCheck[] files) => Report(files, repair: false);

    private static CheckReport Report(FileCheck file, bool repair) => Report([file], repair);

    private static CheckReport Report(FileCheck[] files, bool repair) => new("/", Qr2, repair, files, TimeSpan.FromSeconds(1));

    private static FileCheck File(string path, params ChunkVerification[] chunks) =>
        new(new ClusterFile(path, Attributes(7)), new FileVerification(7, false, chunks, TimeSpan.Zero));

    private static ChunkVerification Chunk(params ReplicaVerdict[] verdicts) => Chunk(0, verdicts);

    private static ChunkVerification Chunk(long index, params ReplicaVerdict[] verdicts) =>
        new(Info(index), [.. verdicts.Select((v, i) => new ReplicaVerification(i + 1, $"http://s{i + 1}", v, v.ToString(), v == ReplicaVerdict.Ok ? RepairOutcome.NotNeeded : RepairOutcome.NotAttempted))]);

    private static ReplicaVerification Ok(int server) => new(server, $"http://s{server}", ReplicaVerdict.Ok, "ok");

    private static ChunkInfo Info(long index) => new(index + 1, index, 1, 100, "0000000000000000", []);

    private static InodeAttributes Attributes(long ino) => new(
        ino, FileKind.File, 0x81A4, 0, 0, 100, 1, default, default, default, 1);
}
