using System.Text.Json;
using ReplicaFs.Cli.Tests.Support;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Tests;

/// <summary>
/// <c>corrupt</c> damages one replica on disk, <c>fsck</c> finds it (every replica's digest against the committed
/// checksum) and judges files by Qr, <c>repair</c> makes every replica good again.
/// </summary>
public sealed class CorruptFsckRepairTests(CliClusterFixture fixture) : IClassFixture<CliClusterFixture>
{
    private readonly CliCluster _cli = fixture.Cli;

    [Fact]
    public async Task Fsck_finds_a_corrupted_replica_and_passes_again_after_repair()
    {
        var content = CliCluster.Bytes(700_000, 21);
        long ino;
        await using (var client = await _cli.ConnectAsync())
        {
            ino = await CliCluster.WriteFileAsync(client, "/fsck/a.bin", content);
            await CliCluster.WriteFileAsync(client, "/fsck/sub/b.txt", CliCluster.Text("you and me\n"));
        }

        var clean = await _cli.RunAsync("fsck", "/fsck");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("2 files, 4 chunks, 12 replicas verified in", clean.Stdout, StringComparison.Ordinal);
        Assert.Contains("12 good, 0 corrupt, 0 stale, 0 missing, 0 unreachable, 0 failed.", clean.Stdout, StringComparison.Ordinal);
        Assert.Contains("Read quorum: Qr=2 (a majority of R=3, the clients' default).", clean.Stdout, StringComparison.Ordinal);
        Assert.Contains("Result: OK: every replica verifies against its committed checksum.", clean.Stdout, StringComparison.Ordinal);
        Assert.Contains("fsck: 2 files, 4 chunks, 12 replicas verified, 0 bad", clean.Stderr, StringComparison.Ordinal);

        var corrupt = await _cli.RunAsync("corrupt", "fsck/a.bin", "--server", "data-2", "--chunk", "1");
        Assert.True(corrupt.ExitCode == 0, corrupt.ToString());
        Assert.Matches(@"^Corrupted /fsck/a\.bin chunk 1 on data-2 \(http://127\.0\.0\.1:\d+\): flipped 16 byte\(s\) at offset \d+ of version \d+ of chunk key ", corrupt.Stdout);

        var found = await _cli.RunAsync("fsck", "/fsck");
        Assert.True(found.ExitCode == 1, found.ToString());
        Assert.Matches(@"(?m)^Bad replicas:\n  PATH\s+CHUNK\s+VERSION\s+SERVER\s+FOUND\s+DETAIL\n  /fsck/a\.bin\s+1\s+\d+\s+data-2\s+corrupt\s+\S", found.Stdout);
        Assert.Contains("11 good, 1 corrupt, 0 stale", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("Result: DEGRADED: 1 replica(s) of 1 file(s) are not good, but every file still has Qr=2 good replicas of every chunk. Repair them with: ./replicafs repair", found.Stdout, StringComparison.Ordinal);

        var json = await _cli.RunAsync("fsck", "/fsck", "--json");
        Assert.Equal(1, json.ExitCode);
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var root = document.RootElement;
            Assert.Equal("DEGRADED", root.GetProperty("result").GetString());
            Assert.Equal(11, root.GetProperty("goodReplicas").GetInt32());
            Assert.Equal(1, root.GetProperty("verdicts").GetProperty("corrupt").GetInt32());
            var bad = Assert.Single(root.GetProperty("badReplicas").EnumerateArray());
            Assert.Equal("/fsck/a.bin", bad.GetProperty("path").GetString());
            Assert.Equal(ino, bad.GetProperty("ino").GetInt64());
            Assert.Equal(1, bad.GetProperty("chunk").GetInt64());
            Assert.Equal("data-2", bad.GetProperty("server").GetString());
            Assert.Equal("corrupt", bad.GetProperty("found").GetString());
            Assert.Equal(0, root.GetProperty("unreadableFiles").GetArrayLength());
        }

        var repair = await _cli.RunAsync("repair", "/fsck");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Matches(@"(?m)^  /fsck/a\.bin\s+1\s+\d+\s+data-2\s+corrupt\s+repaired\s+repaired from a good replica", repair.Stdout);
        Assert.Contains("Repaired 1 replica(s); 0 repair(s) failed", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains("Result: OK: every bad replica was repaired", repair.Stdout, StringComparison.Ordinal);

        var after = await _cli.RunAsync("fsck", "/fsck");
        Assert.True(after.ExitCode == 0, after.ToString());
        await using var reader = await _cli.ConnectAsync();
        Assert.Equal(content, await CliCluster.ReadFileAsync(reader, ino));
    }

    [Fact]
    public async Task Fsck_exits_2_when_a_chunk_has_fewer_good_replicas_than_Qr_and_repair_restores_it_from_the_last_good_one()
    {
        await using (var client = await _cli.ConnectAsync())
        {
            await CliCluster.WriteFileAsync(client, "/quorum/c.bin", CliCluster.Bytes(100_000, 31));
        }

        Assert.Equal(0, (await _cli.RunAsync("corrupt", "/quorum/c.bin", "--server", "data-1")).ExitCode);
        Assert.Equal(0, (await _cli.RunAsync("corrupt", "/quorum/c.bin", "--server", "data-3", "--offset", "0", "--count", "4096")).ExitCode);

        var unreadable = await _cli.RunAsync("fsck", "/quorum");
        Assert.True(unreadable.ExitCode == 2, unreadable.ToString());
        Assert.Contains("Files with a chunk below the read quorum Qr=2 (a quorum read of it fails with EIO):", unreadable.Stdout, StringComparison.Ordinal);
        Assert.Contains("  /quorum/c.bin: 1 chunk(s), e.g. chunk 0 with 1 good replica(s) of 3", unreadable.Stdout, StringComparison.Ordinal);
        Assert.Contains("Result: UNREADABLE: 1 file(s)", unreadable.Stdout, StringComparison.Ordinal);

        var lenient = await _cli.RunAsync("fsck", "/quorum", "--qr", "1");
        Assert.Equal(1, lenient.ExitCode);
        Assert.Contains("Read quorum: Qr=1 (--qr).", lenient.Stdout, StringComparison.Ordinal);

        var badQuorum = await _cli.RunAsync("fsck", "/quorum", "--qr", "4");
        Assert.Equal(4, badQuorum.ExitCode);
        Assert.Contains("--qr must be between 1 and the replica count R=3, not 4.", badQuorum.Stderr, StringComparison.Ordinal);

        var repair = await _cli.RunAsync("repair", "/quorum");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains("Repaired 2 replica(s)", repair.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("fsck", "/quorum")).ExitCode);
    }

    [Fact]
    public async Task Replicas_on_a_dead_server_are_unreachable_to_fsck_and_repair_and_good_again_once_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        long ino;
        var content = CliCluster.Bytes(200_000, 51);
        await using (var client = await _cli.ConnectAsync())
        {
            ino = await CliCluster.WriteFileAsync(client, "/dead/d.bin", content);
        }

        await _cli.Cluster.KillDataServerAsync(2);
        try
        {
            await _cli.WaitForServerAsync("data-3", ServerState.Down);

            // Two of three replicas answer: every chunk still has Qr=2 good ones.
            var fsck = await _cli.RunAsync("fsck", "/dead");
            Assert.True(fsck.ExitCode == 1, fsck.ToString());
            Assert.Matches(@"(?m)^  /dead/d\.bin\s+0\s+\d+\s+data-3\s+unreachable\s", fsck.Stdout);
            Assert.Contains("2 good, 0 corrupt, 0 stale, 0 missing, 1 unreachable, 0 failed.", fsck.Stdout, StringComparison.Ordinal);
            Assert.Contains("Result: DEGRADED: 1 replica(s) of 1 file(s) are not good", fsck.Stdout, StringComparison.Ordinal);

            // Nothing to tell a server that does not answer: repair attempts nothing and says so, still exit 1.
            var repair = await _cli.RunAsync("repair", "/dead");
            Assert.True(repair.ExitCode == 1, repair.ToString());
            Assert.Matches(@"(?m)^  /dead/d\.bin\s+0\s+\d+\s+data-3\s+unreachable\s+not-attempted\s", repair.Stdout);
            Assert.Contains("Repaired 0 replica(s); 0 repair(s) failed; 1 bad replica(s) could not be attempted", repair.Stdout, StringComparison.Ordinal);
            Assert.Contains("What could not be repaired sits on servers that do not answer", repair.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await _cli.Cluster.StartDataServerAsync(2, cancellationToken: ct);
        }

        await _cli.WaitForServerAsync("data-3", ServerState.Up);
        var back = await _cli.RunAsync("fsck", "/dead");
        Assert.True(back.ExitCode == 0, back.ToString());
        await using var reader = await _cli.ConnectAsync();
        Assert.Equal(content, await CliCluster.ReadFileAsync(reader, ino));
    }

    [Fact]
    public async Task Fsck_and_repair_fail_with_exit_code_3_and_no_stack_trace_when_the_metadata_server_does_not_answer()
    {
        foreach (var command in new[] { "fsck", "repair" })
        {
            var result = await CliRunner.RunAsync(
                [command, "--meta", "http://127.0.0.1:1"],
                new Dictionary<string, string> { ["REPLICAFS_STATE_DIR"] = _cli.NoStateDirectory },
                _cli.Cluster.RootDirectory,
                TestContext.Current.CancellationToken);

            Assert.True(result.ExitCode == 3, result.ToString());
            Assert.Matches(@"(?m)^replicafs: error: .*127\.0\.0\.1:1", result.Stderr);
            Assert.DoesNotContain("Result:", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Corrupt_prints_json_and_refuses_what_it_cannot_damage_without_changing_anything()
    {
        await using (var client = await _cli.ConnectAsync())
        {
            await CliCluster.WriteFileAsync(client, "/refuse/one.bin", CliCluster.Bytes(1000, 41));
            await CliCluster.WriteFileAsync(client, "/refuse/empty", []);
        }

        var json = await _cli.RunAsync("corrupt", "/refuse/one.bin", "--json", "--offset", "10", "--count", "5");
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal("/refuse/one.bin", document.RootElement.GetProperty("path").GetString());
            Assert.Equal("data-1", document.RootElement.GetProperty("server").GetString());
            Assert.Equal(10, document.RootElement.GetProperty("offset").GetInt64());
            Assert.Equal(5, document.RootElement.GetProperty("count").GetInt32());
        }

        Assert.Equal(0, (await _cli.RunAsync("repair", "/refuse")).ExitCode);

        (string[] Arguments, string Message)[] refusals =
        [
            (["corrupt", "/refuse"], "/refuse is a directory: corrupt damages a chunk of a regular file."),
            (["corrupt", "/refuse/nothing"], "/refuse/nothing: no such file or directory in the cluster."),
            (["corrupt", "/refuse/one.bin", "--chunk", "3"], "/refuse/one.bin has chunks 0 to 0"),
            (["corrupt", "/refuse/empty"], "/refuse/empty is empty: it has no chunk to corrupt."),
            (["corrupt", "/refuse/one.bin", "--server", "data-7"], "No data server is named 'data-7'"),
            (["corrupt", "/refuse/one.bin", "--count", "0"], "--count must be between 1 and 1048576."),
            (["fsck", "/refuse/nothing"], "/refuse/nothing: no such file or directory in the cluster."),
            (["frobnicate"], "Unrecognized command or argument 'frobnicate'"),
        ];
        foreach (var (arguments, message) in refusals)
        {
            var refused = await _cli.RunAsync(arguments);
            Assert.True(refused.ExitCode == 4, refused.ToString());
            Assert.Contains(message, refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
        }

        var noToken = await _cli.RunAsync(["corrupt", "/refuse/one.bin"], withAdminToken: false);
        Assert.Equal(4, noToken.ExitCode);
        Assert.Contains("corrupt needs the cluster's admin token", noToken.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, (await _cli.RunAsync("fsck", "/refuse")).ExitCode);
        Assert.Equal(HealthStatus.Healthy, (await _cli.Cluster.MetaApi.GetHealthAsync(TestContext.Current.CancellationToken)).Status);
    }
}
