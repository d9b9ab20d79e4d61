using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Fuse.Tests.Support;

namespace ReplicaFs.Fuse.Tests.Mounting;

/// <summary><c>ReplicaFs.Fuse memfs</c> as a separate process: signals, process death, stale mounts, bad mount points.</summary>
public sealed class MemfsProcessTests
{
    [Fact(Timeout = 120_000)]
    public async Task Sigterm_unmounts_cleanly_and_exits_zero()
    {
        var mountPoint = TempDirectory.Create("memfs");
        try
        {
            await using var memfs = await MemfsProcess.StartMountedAsync(mountPoint);
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "f"), "served by another process", TestContext.Current.CancellationToken);
            Assert.Equal("served by another process", await Commands.RunCheckedAsync("cat", Path.Combine(mountPoint, "f")));

            Assert.Equal(Errno.None, Posix.Kill(memfs.Pid, Posix.SigTerm));

            await memfs.AssertExitsWithAsync(0, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Null(MountTable.Find(mountPoint));
            await Eventually.TrueAsync(() => memfs.ReadLog().Contains("exited with 0", StringComparison.Ordinal), "the log to be complete");
            Assert.Contains("SIGTERM: unmounting", memfs.ReadLog(), StringComparison.Ordinal);
            Assert.Contains($"{mountPoint} unmounted.", memfs.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Sigint_unmounts_cleanly_too()
    {
        var mountPoint = TempDirectory.Create("memfs");
        try
        {
            await using var memfs = await MemfsProcess.StartMountedAsync(mountPoint);

            Assert.Equal(Errno.None, Posix.Kill(memfs.Pid, 2));

            await memfs.AssertExitsWithAsync(0, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Null(MountTable.Find(mountPoint));
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Sigkill_leaves_no_dead_mount_behind()
    {
        var mountPoint = TempDirectory.Create("memfs");
        try
        {
            await using var memfs = await MemfsProcess.StartMountedAsync(mountPoint);
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "f"), "x", TestContext.Current.CancellationToken);

            // The session's /dev/fuse descriptor is numbered above libfuse's watchdog socket, so that on death the
            // connection ends before the watchdog wakes up (otherwise its probe can miss the dead connection).
            var fuseDescriptors = ProcessSnapshot.Descriptors(memfs.Pid, "/dev/fuse");
            Assert.Single(fuseDescriptors);
            Assert.All(ProcessSnapshot.Descriptors(memfs.Pid, "socket:"), socket => Assert.True(socket < fuseDescriptors[0], $"socket {socket} above /dev/fuse {fuseDescriptors[0]}"));

            // Only the daemon dies; its fusermount3 watchdog (auto_unmount) notices and unmounts.
            Assert.Equal(Errno.None, Posix.Kill(memfs.Pid, Posix.SigKill));
            var clock = System.Diagnostics.Stopwatch.StartNew();

            try
            {
                await Eventually.TrueAsync(() => MountTable.Find(mountPoint) is null, "the auto_unmount watchdog to unmount", TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"memfs running: {memfs.IsRunning}\n{ProcessSnapshot.Describe("fusermount3", "ReplicaFs")}");
                throw;
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"mount gone {clock.ElapsedMilliseconds} ms after SIGKILL");
            Assert.Equal(Errno.None, Posix.Stat(mountPoint, out var stat));
            Assert.Equal(PosixMode.Directory, stat.st_mode & PosixMode.TypeMask);
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stale_mount_point_is_recovered_by_the_next_mount()
    {
        var mountPoint = TempDirectory.Create("memfs");
        try
        {
            // Without the watchdog a killed daemon leaves the mount dead: "Transport endpoint is not connected".
            await using (var first = await MemfsProcess.StartMountedAsync(mountPoint, "--no-auto-unmount"))
            {
                Assert.Equal(Errno.None, Posix.Kill(first.Pid, Posix.SigKill));
                await Eventually.TrueAsync(() => !first.IsRunning, "the first memfs to die");
            }

            Assert.Equal(Errno.ENOTCONN, Posix.Stat(mountPoint, out _));

            await using var second = await MemfsProcess.StartMountedAsync(mountPoint);
            await Eventually.TrueAsync(() => second.ReadLog().Contains("holds a dead FUSE mount", StringComparison.Ordinal), "the recovery to be logged");
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "alive"), "yes", TestContext.Current.CancellationToken);
            Assert.Equal("yes", await File.ReadAllTextAsync(Path.Combine(mountPoint, "alive"), TestContext.Current.CancellationToken));
            Assert.Single(MountTable.Read(), e => e.MountPoint == mountPoint);

            Assert.Equal(Errno.None, Posix.Kill(second.Pid, Posix.SigTerm));
            await second.AssertExitsWithAsync(0, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Null(MountTable.Find(mountPoint));
        }
        finally
        {
            TempDirectory.Remove(mountPoint);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_missing_mount_point_gives_a_plain_message_and_a_nonzero_exit()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"replicafs-fuse-missing-{Guid.NewGuid():N}");
        await using var memfs = MemfsProcess.Start(missing);

        await memfs.AssertExitsWithAsync(1, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => memfs.ReadLog().Contains("exited with 1", StringComparison.Ordinal), "the log to be complete");
        Assert.Contains($"The mount point {missing} does not exist", memfs.ReadLog(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", memfs.ReadLog(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_file_as_mount_point_gives_a_plain_message_and_a_nonzero_exit()
    {
        var directory = TempDirectory.Create("memfs");
        try
        {
            var file = Path.Combine(directory, "not-a-directory");
            await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
            await using var memfs = MemfsProcess.Start(file);

            await memfs.AssertExitsWithAsync(1, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            await Eventually.TrueAsync(() => memfs.ReadLog().Contains("exited with 1", StringComparison.Ordinal), "the log to be complete");
            Assert.Contains($"The mount point {file} is not a directory.", memfs.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }
}
