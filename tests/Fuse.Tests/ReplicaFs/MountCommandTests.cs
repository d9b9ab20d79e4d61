using System.Globalization;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.ReplicaFs;

/// <summary>
/// <c>ReplicaFs.Fuse mount</c> as a separate process over the shared cluster: both command-line forms, signals,
/// SIGKILL, and every way the command line or the mount point can be wrong. Plus an unmount with a file still open.
/// </summary>
[Collection(ReplicaClusterTests.Name)]
public sealed class MountCommandTests(ReplicaClusterFixture fixture)
{
    private string MetaPort => fixture.Cluster.MetaPort.ToString(CultureInfo.InvariantCulture);

    [Fact(Timeout = 120_000)]
    public async Task The_seed_positional_form_mounts_and_SIGTERM_unmounts_cleanly()
    {
        var mountPoint = TempDirectory.Create("cmd");
        try
        {
            var dataPorts = fixture.Cluster.DataServers.Select(d => d.Port.ToString(CultureInfo.InvariantCulture));
            await using var mount = await MountProcess.StartMountedAsync(mountPoint, ["2", "2", MetaPort, .. dataPorts, "1"]);
            var log = mount.ReadLog();
            Assert.Contains("Qr=2, Qw=2, R=3: strongly consistent (Qr + Qw > R).", log, StringComparison.Ordinal);
            Assert.Contains("Warning: no data server on port 1 is registered at the metadata server", log, StringComparison.Ordinal);

            var name = $"positional-{Guid.NewGuid():N}.txt";
            await File.WriteAllTextAsync(Path.Combine(mountPoint, name), "through a separate process", TestContext.Current.CancellationToken);
            Assert.Equal("through a separate process", await File.ReadAllTextAsync(fixture.Mount.PathOf(name), TestContext.Current.CancellationToken));

            Assert.Equal(Errno.None, Posix.Kill(mount.Pid, Posix.SigTerm));

            log = await mount.AssertExitsWithAsync(0, TimeSpan.FromSeconds(30));
            Assert.Contains($"{mountPoint} unmounted.", log, StringComparison.Ordinal);
            Assert.Null(MountTable.Find(mountPoint));
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Sigkill_leaves_no_dead_mount_and_the_next_mount_sees_everything_committed()
    {
        var mountPoint = TempDirectory.Create("kill");
        try
        {
            await using (var mount = await MountProcess.StartMountedAsync(mountPoint, "--meta", fixture.Cluster.MetaUrl.ToString(), "--qr", "2", "--qw", "2"))
            {
                Assert.Contains("Qr=2, Qw=2, R=3", mount.ReadLog(), StringComparison.Ordinal);
                await File.WriteAllTextAsync(Path.Combine(mountPoint, "committed.txt"), "closed before the kill", TestContext.Current.CancellationToken);

                // Only the mount process dies; its fusermount3 watchdog (auto_unmount) removes the mount.
                Assert.Equal(Errno.None, Posix.Kill(mount.Pid, Posix.SigKill));
                await Eventually.TrueAsync(() => MountTable.Find(mountPoint) is null, "the auto_unmount watchdog to unmount", TimeSpan.FromSeconds(10));
                Assert.Equal(Errno.None, Posix.Stat(mountPoint, out var stat));
                Assert.Equal(0x4000u, stat.st_mode & 0xF000);
            }

            await using var again = await MountProcess.StartMountedAsync(mountPoint, "--meta", MetaPort);
            Assert.Equal("closed before the kill", await File.ReadAllTextAsync(Path.Combine(mountPoint, "committed.txt"), TestContext.Current.CancellationToken));
            File.Delete(Path.Combine(mountPoint, "committed.txt"));
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Bad_mount_points_and_command_lines_get_plain_messages_and_nonzero_exits()
    {
        var directory = TempDirectory.Create("bad");
        try
        {
            var missing = Path.Combine(directory, "missing");
            var file = Path.Combine(directory, "file");
            var full = Path.Combine(directory, "full");
            await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
            Directory.CreateDirectory(full);
            await File.WriteAllTextAsync(Path.Combine(full, "precious.txt"), "x", TestContext.Current.CancellationToken);
            var empty = Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName;

            var cases = new (string[] Arguments, int ExitCode, string Message)[]
            {
                ([missing, "--meta", MetaPort], 1, $"The mount point {missing} does not exist: create it first (`mkdir -p {missing}`)."),
                ([file, "--meta", MetaPort], 1, $"The mount point {file} is not a directory."),
                ([full, "--meta", MetaPort], 1, $"The mount point {full} is not empty (it holds precious.txt): mounting would hide those files."),
                ([empty, "4", "2", MetaPort], 2, "Cannot mount with these quorums: The read quorum Qr must be between 1 and the replica count 3 (got 4)."),
                ([empty, "2", "2"], 2, "The positional form is: mount <mountpoint> <Qr> <Qw> <meta-port> [<data-port>...]; got 2 value(s) after the mount point."),
                ([empty, "2", "2", MetaPort, "--qr", "2"], 2, "Give Qr, Qw and the metadata server either positionally or with --qr/--qw/--meta, not both."),
                ([empty, "--meta", "ftp://x"], 2, "--meta must be an http:// or https:// URL"),
                ([empty, "--meta", "http://127.0.0.1:1"], 1, "Cannot reach the metadata server at http://127.0.0.1:1:"),
            };

            // Started together: each fails on its own before mounting anything.
            var processes = cases.Select(c => MountProcess.Start(c.Arguments)).ToList();
            try
            {
                for (var i = 0; i < cases.Length; i++)
                {
                    var log = await processes[i].AssertExitsWithAsync(cases[i].ExitCode, TimeSpan.FromSeconds(60));
                    Assert.Contains(cases[i].Message, log, StringComparison.Ordinal);
                    Assert.DoesNotContain("Exception", log, StringComparison.Ordinal);
                    Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
                }
            }
            finally
            {
                foreach (var process in processes)
                {
                    await process.DisposeAsync();
                }
            }

            Assert.Equal("x", await File.ReadAllTextAsync(Path.Combine(full, "precious.txt"), TestContext.Current.CancellationToken));
            Assert.Null(MountTable.Find(empty));
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Unmount_with_a_file_open_detaches_at_once_and_commits_the_file_when_it_is_closed()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = TempDirectory.Create("open");
        try
        {
            var mount = await ClusterMount.StartAsync(fixture.Cluster, readQuorum: 2, writeQuorum: 2, directory: directory);
            var name = $"open-{Guid.NewGuid():N}.txt";
            try
            {
                await using var stream = new FileStream(mount.PathOf(name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
                await stream.WriteAsync("written before the unmount\n"u8.ToArray(), ct);

                // Lazy unmount: the name goes at once, the open descriptor keeps working, the session ends at its close.
                Assert.False(await mount.Mount.UnmountAsync(TimeSpan.FromSeconds(1)));
                Assert.Null(MountTable.Find(directory));
                Assert.False(File.Exists(Path.Combine(directory, name)));
                await stream.WriteAsync("and after it\n"u8.ToArray(), ct);
                stream.Position = 0;
                var buffer = new byte[100];
                Assert.Equal(40, await stream.ReadAsync(buffer, ct));
                Assert.False(mount.Mount.Completion.IsCompleted);
            }
            finally
            {
                await mount.DisposeAsync();
            }

            Assert.Equal(0, await mount.Mount.Completion.WaitAsync(TimeSpan.FromSeconds(20), ct));
            await using var reader = await ClusterMount.StartAsync(fixture.Cluster, directory: Directory.CreateTempSubdirectory("replicafs-fuse-reopen-").FullName);
            try
            {
                Assert.Equal("written before the unmount\nand after it\n", await File.ReadAllTextAsync(reader.PathOf(name), ct));
                File.Delete(reader.PathOf(name));
            }
            finally
            {
                await reader.UnmountAsync();
                TempDirectory.Remove(reader.Root);
            }
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }
}
