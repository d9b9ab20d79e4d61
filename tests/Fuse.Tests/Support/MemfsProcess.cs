using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary><c>dotnet ReplicaFs.Fuse.dll memfs &lt;mountpoint&gt;</c> as a real child process.</summary>
internal sealed class MemfsProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly string _logDirectory;

    private MemfsProcess(string mountPoint, IReadOnlyList<string> extraArguments)
    {
        MountPoint = mountPoint;
        _logDirectory = TempDirectory.Create("log");
        _process = new ServerProcess("memfs", RepositoryPaths.FuseDll, ["memfs", mountPoint, .. extraArguments], Path.Combine(_logDirectory, "memfs.log"));
    }

    public string MountPoint { get; }

    public int Pid => _process.ProcessId ?? throw new InvalidOperationException("memfs is not running.");

    public bool IsRunning => _process.IsRunning;

    public int? ExitCode => _process.ExitCode;

    /// <summary>Starts the process without waiting for the mount.</summary>
    public static MemfsProcess Start(string mountPoint, params string[] extraArguments)
    {
        var process = new MemfsProcess(mountPoint, extraArguments);
        process._process.Start();
        return process;
    }

    /// <summary>
    /// Starts the process and waits until it reports the mount (its own line on stdout, printed once INIT is done;
    /// the mount table alone could show a dead earlier mount on the same path).
    /// </summary>
    public static async Task<MemfsProcess> StartMountedAsync(string mountPoint, params string[] extraArguments)
    {
        var process = Start(mountPoint, extraArguments);
        await Eventually.TrueAsync(
            () => process.ReadLog().Contains($"memfs mounted at {mountPoint};", StringComparison.Ordinal) || !process.IsRunning,
            "memfs to mount",
            TimeSpan.FromSeconds(30));
        Assert.Equal("fuse.memfs", MountTable.Find(mountPoint)?.FileSystemType);
        Assert.True(process.IsRunning, $"memfs exited early:\n{process.ReadLog()}");
        return process;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Eventually.TrueAsync(() => !_process.IsRunning, "memfs to exit", timeout);

        // The Exited handler writes the last log line; the exit code is there already.
        return _process.ExitCode ?? throw new InvalidOperationException("memfs has no exit code.");
    }

    /// <summary>Waits for the exit and checks its code, showing the process's log when it differs.</summary>
    public async Task AssertExitsWithAsync(int expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var exitCode = await WaitForExitAsync(timeout, cancellationToken);
        Assert.True(exitCode == expected, $"memfs exited with {exitCode}, expected {expected}:\n{ReadLog()}");
    }

    public string ReadLog() => _process.ReadLog();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.Remove(_logDirectory);
    }
}
