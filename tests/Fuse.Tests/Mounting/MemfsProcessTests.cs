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

            Assert.Equal(0, await memfs.WaitForExitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
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

            Assert.Equal(0, await memfs.WaitForExitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
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

            // Only the daemon dies; its fusermount3 watchdog (auto_unmount) notices and unmounts.
            Assert.Equal(Errno.None, Posix.Kill(memfs.Pid, Posix.SigKill));
            var clock = System.Diagnostics.Stopwatch.StartNew();

            try
            {
                await Eventually.TrueAsync(() => MountTable.Find(mountPoint) is null, "the auto_unmount watchdog to unmount", TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                var ps = await Commands.RunAsync("ps", "-eo", "pid,ppid,stat,wchan:32,args");
                TestContext.Current.TestOutputHelper?.WriteLine($"memfs running: {memfs.IsRunning}\n{ps.Output}");
                foreach (var pidDir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
                {
                    try
                    {
                        var cmd = File.ReadAllText(Path.Combine(pidDir, "cmdline")).Replace('\0', ' ');
                        if (cmd.Contains("fusermount3", StringComparison.Ordinal) || cmd.Contains("ReplicaFs", StringComparison.Ordinal))
                        {
                            var fds = Directory.EnumerateFileSystemEntries(Path.Combine(pidDir, "fd")).Select(f => $"{Path.GetFileName(f)}->{new FileInfo(f).LinkTarget}");
                            TestContext.Current.TestOutputHelper?.WriteLine($"{pidDir} {cmd}: {string.Join(' ', fds)}");
                        }
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                    }
                }

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
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
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

        Assert.Equal(1, await memfs.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
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

            Assert.Equal(1, await memfs.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            await Eventually.TrueAsync(() => memfs.ReadLog().Contains("exited with 1", StringComparison.Ordinal), "the log to be complete");
            Assert.Contains($"The mount point {file} is not a directory.", memfs.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            TempDirectory.Remove(directory);
        }
    }
}
