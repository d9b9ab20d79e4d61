using System.Diagnostics;
using System.Globalization;
using ReplicaFs.Testing.Launcher;

namespace ReplicaFs.SystemTests.Launcher;

/// <summary>
/// The file system as <c>./replicafs</c> mounts it: by default with <c>up</c> (owned by the supervisor, unmounted by
/// <c>down</c> and by Ctrl+C), at a chosen directory with chosen quorums, not at all with <c>--no-mount</c>; and the
/// foreground <c>./replicafs mount</c> command in both of its forms.
/// </summary>
public sealed class LauncherMountTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(150);
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "replicafs-launcher-tests", Guid.NewGuid().ToString("N"));

    [Fact(Timeout = 900_000)]
    public async Task Up_mounts_at_fusemount_with_the_seed_quorums_and_down_unmounts_keeping_the_files()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mountPoint = Path.Combine(_stateDir, "fusemount");
        try
        {
            // The seed's shape by default: 4 data servers, R 4, Qr 3, Qw 3, mounted at STATE/fusemount.
            var up = await Launcher(["up", "--detach", "--state-dir", _stateDir], cancellationToken);
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains($"mount {mountPoint}\n", up.Stdout, StringComparison.Ordinal);
            Assert.Equal("fuse.replicafs", FileSystemTypeAt(mountPoint));
            var processes = RecordedProcess.Read(_stateDir);
            Assert.Equal(["web", "meta", "data-1", "data-2", "data-3", "data-4", "mount"], processes.Select(p => p.Name));
            var mountLog = await File.ReadAllTextAsync(Path.Combine(_stateDir, "logs", "mount.log"), cancellationToken);
            Assert.Contains("Qr=3, Qw=3, R=4: strongly consistent (Qr + Qw > R).", mountLog, StringComparison.Ordinal);

            // The seed's walkthrough in the mount.
            var walkthrough = await ShellAsync("touch my.txt; echo hello > my.txt; cat my.txt; mkdir a; cd a; echo hi > you.txt; cat you.txt", mountPoint, cancellationToken);
            Assert.Equal("hello\nhi\n", walkthrough);

            // down unmounts first (then stops the servers): nothing is left mounted or running.
            var down = await Launcher(["down", "--state-dir", _stateDir], cancellationToken);
            Assert.True(down.ExitCode == 0, down.ToString());
            var mount = processes.Single(p => p.Name == "mount");
            Assert.Contains($"stopped mount (pid {mount.Pid})", down.Stderr, StringComparison.Ordinal);
            Assert.Null(FileSystemTypeAt(mountPoint));
            Assert.All(processes, p => Assert.False(p.IsRunning, $"{p.Name} still runs after down"));
            var stopped = await File.ReadAllTextAsync(Path.Combine(_stateDir, "logs", "mount.log"), cancellationToken);
            Assert.Contains($"{mountPoint} unmounted.", stopped, StringComparison.Ordinal);

            // up again, elsewhere and with other quorums: the files are still there.
            var elsewhere = Path.Combine(_stateDir, "elsewhere");
            var again = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--mount", elsewhere, "--qr", "2", "--qw", "4"], cancellationToken);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"mount {elsewhere}\n", again.Stdout, StringComparison.Ordinal);
            Assert.Equal("hello\nhi\n", await ShellAsync("cat my.txt a/you.txt", elsewhere, cancellationToken));
            mountLog = await File.ReadAllTextAsync(Path.Combine(_stateDir, "logs", "mount.log"), cancellationToken);
            Assert.Contains("Qr=2, Qw=4, R=4: strongly consistent (Qr + Qw > R).", mountLog, StringComparison.Ordinal);
            Assert.True((await Launcher(["down", "--state-dir", _stateDir], cancellationToken)).ExitCode == 0);
            Assert.Null(FileSystemTypeAt(elsewhere));

            // --no-mount: no mount line, no mount process; and Qr/Qw without a mount is a usage error.
            var bare = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--no-mount"], cancellationToken);
            Assert.True(bare.ExitCode == 0, bare.ToString());
            Assert.DoesNotContain("mount ", bare.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(RecordedProcess.Read(_stateDir), p => p.Name == "mount");
            Assert.Null(FileSystemTypeAt(elsewhere));
            Assert.True((await Launcher(["down", "--state-dir", _stateDir], cancellationToken)).ExitCode == 0);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task Foreground_up_shows_the_mount_and_Ctrl_C_unmounts_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mountPoint = Path.Combine(_stateDir, "mnt");
        try
        {
            using var launcher = LauncherScript.Start(["up", "--state-dir", _stateDir, "--data-servers", "2", "--replicas", "2", "--mount", mountPoint]);
            var stderr = launcher.StandardError.ReadToEndAsync(cancellationToken);
            var banner = await LauncherScript.ReadBannerAsync(launcher, CommandTimeout, cancellationToken);

            Assert.Contains(banner, line => line.StartsWith("  mount ", StringComparison.Ordinal) && line.Contains(mountPoint, StringComparison.Ordinal) && line.Contains("Qr=2 Qw=2", StringComparison.Ordinal));
            Assert.Equal("fuse.replicafs", FileSystemTypeAt(mountPoint));
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "kept.txt"), "kept", cancellationToken);
            var processes = RecordedProcess.Read(_stateDir);

            // Ctrl+C reaches the launcher (SIGINT): it stops the supervisor, which unmounts first.
            await SignalAsync(launcher.Id, "INT", cancellationToken);
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(CommandTimeout);
                await launcher.WaitForExitAsync(deadline.Token);
            }

            output.WriteLine(await stderr);
            Assert.Equal(0, launcher.ExitCode);
            Assert.Null(FileSystemTypeAt(mountPoint));
            Assert.All(processes, p => Assert.False(p.IsRunning, $"{p.Name} still runs after Ctrl+C"));
            Assert.Empty(Directory.EnumerateFileSystemEntries(mountPoint));
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Up_refuses_a_mount_point_with_files_in_it_before_starting_anything()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mountPoint = _stateDir + "-full";
        Directory.CreateDirectory(mountPoint);
        await File.WriteAllTextAsync(Path.Combine(mountPoint, "precious.txt"), "keep me", cancellationToken);

        var up = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--mount", mountPoint], cancellationToken);

        Assert.Equal(1, up.ExitCode);
        Assert.Contains($"the mount point {mountPoint} is not empty (it holds: precious.txt)", up.Stderr, StringComparison.Ordinal);
        Assert.Contains("up --no-mount", up.Stderr, StringComparison.Ordinal);
        Assert.Empty(up.Stdout);
        Assert.Empty(RecordedProcess.Read(_stateDir));
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(mountPoint, "precious.txt"), cancellationToken));

        var both = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--no-mount", "--qr", "2"], cancellationToken);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--qr and --qw are quorums of the mount", both.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 600_000)]
    public async Task The_mount_command_takes_both_forms_and_Ctrl_C_unmounts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var mountPoint = Path.Combine(_stateDir, "by-hand");
        try
        {
            var up = await Launcher(["up", "--detach", "--state-dir", _stateDir, "--data-servers", "3", "--replicas", "3", "--no-mount"], cancellationToken);
            Assert.True(up.ExitCode == 0, up.ToString());
            var cluster = DetachedCluster.Parse(up.Stdout);
            Directory.CreateDirectory(mountPoint);

            // The seed's positional form: mount DIR QR QW META-PORT DATA-PORT...
            string[] positional = ["mount", mountPoint, "2", "2", Port(cluster.Meta), .. cluster.DataServers.Select(Port)];
            var first = await RunMountAsync(positional, mountPoint, cancellationToken);
            Assert.Contains("Qr=2, Qw=2, R=3", first, StringComparison.Ordinal);

            // The named form, with the metadata server as a URL.
            var named = await RunMountAsync(["mount", mountPoint, "--qr", "3", "--qw", "1", "--meta", cluster.Meta.ToString()], mountPoint, cancellationToken);
            Assert.Contains("Qr=3, Qw=1, R=3: strongly consistent", named, StringComparison.Ordinal);
            Assert.Contains("by hand", named, StringComparison.Ordinal);

            // Mistakes come back as plain messages.
            var missing = await Launcher(["mount", Path.Combine(_stateDir, "missing"), "--meta", cluster.Meta.ToString()], cancellationToken);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("does not exist: create it first", missing.Stderr, StringComparison.Ordinal);
            var nothing = await Launcher(["mount"], cancellationToken);
            Assert.Equal(2, nothing.ExitCode);
            Assert.Contains("mount: give the mount point", nothing.Stderr, StringComparison.Ordinal);

            Assert.True((await Launcher(["down", "--state-dir", _stateDir], cancellationToken)).ExitCode == 0);
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_stateDir + "-full"))
        {
            Directory.Delete(_stateDir + "-full", recursive: true);
        }

        if (Directory.Exists(_stateDir))
        {
            foreach (var directory in Directory.EnumerateDirectories(_stateDir).Where(d => FileSystemTypeAt(d) is not null))
            {
                using var unmount = Process.Start("umount", ["-l", directory]);
                unmount.WaitForExit(10_000);
            }

            Directory.Delete(_stateDir, recursive: true);
        }
    }

    /// <summary>The file system type mounted at <paramref name="directory"/> (from /proc/self/mountinfo), or null.</summary>
    private static string? FileSystemTypeAt(string directory)
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator > 4 && fields[4].Replace("\\040", " ", StringComparison.Ordinal) == directory)
            {
                return fields[separator + 1];
            }
        }

        return null;
    }

    private static string Port(Uri url) => url.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs <c>./replicafs mount ...</c> in the foreground, writes and reads a file through it, presses Ctrl+C, and
    /// returns the command's output once it exited 0 and the mount is gone.
    /// </summary>
    private async Task<string> RunMountAsync(string[] arguments, string mountPoint, CancellationToken cancellationToken)
    {
        using var mount = LauncherScript.Start(arguments);
        var stdout = mount.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = mount.StandardError.ReadToEndAsync(cancellationToken);
        var deadline = DateTime.UtcNow + CommandTimeout;
        while (FileSystemTypeAt(mountPoint) is null)
        {
            Assert.False(mount.HasExited, $"./replicafs {string.Join(' ', arguments)} exited early:\n{(mount.HasExited ? await stdout + await stderr : "")}");
            Assert.True(DateTime.UtcNow < deadline, $"./replicafs {string.Join(' ', arguments)} did not mount within {CommandTimeout.TotalSeconds:0} s");
            await Task.Delay(100, cancellationToken);
        }

        var file = Path.Combine(mountPoint, "by-hand.txt");
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, "by hand", cancellationToken);
        }

        var content = await File.ReadAllTextAsync(file, cancellationToken);

        await SignalAsync(mount.Id, "INT", cancellationToken);
        using (var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            exit.CancelAfter(CommandTimeout);
            await mount.WaitForExitAsync(exit.Token);
        }

        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(mount.ExitCode == 0, text);
        Assert.Null(FileSystemTypeAt(mountPoint));
        return text + content;
    }

    private async Task<LauncherResult> Launcher(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await LauncherScript.RunAsync(arguments, CommandTimeout, cancellationToken);
        output.WriteLine(result.ToString());
        return result;
    }

    private static async Task<string> ShellAsync(string script, string directory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"bash -c '{script}' exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static async Task SignalAsync(int pid, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Stops whatever a failed test left running: through down, then lazily unmounts what is left.</summary>
    private async Task CleanUpAsync()
    {
        if (RecordedProcess.Read(_stateDir).Count == 0)
        {
            return;
        }

        try
        {
            await LauncherScript.RunAsync(["down", "--state-dir", _stateDir], CommandTimeout, CancellationToken.None);
        }
        catch (TimeoutException ex)
        {
            output.WriteLine(ex.Message);
        }
    }
}
