using ReplicaFs.Fuse.Mounting;
using ReplicaFs.Testing;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary><c>dotnet ReplicaFs.Fuse.dll mount &lt;arguments&gt;</c> as a real child process, its output in a log file.</summary>
internal sealed class MountProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly string _logDirectory;

    private MountProcess(IReadOnlyList<string> arguments)
    {
        _logDirectory = TempDirectory.Create("log");
        _process = new ServerProcess("mount", RepositoryPaths.FuseDll, ["mount", .. arguments], Path.Combine(_logDirectory, "mount.log"));
    }

    public int Pid => _process.ProcessId ?? throw new InvalidOperationException("The mount process is not running.");

    public bool IsRunning => _process.IsRunning;

    /// <summary>Starts <c>mount <paramref name="arguments"/></c> without waiting for anything.</summary>
    public static MountProcess Start(params string[] arguments)
    {
        var process = new MountProcess(arguments);
        process._process.Start();
        return process;
    }

    /// <summary>Starts it and waits for its "mounted at" line (printed once the kernel's INIT is answered).</summary>
    public static async Task<MountProcess> StartMountedAsync(string mountPoint, params string[] arguments)
    {
        var process = Start([mountPoint, .. arguments]);
        await Eventually.TrueAsync(
            () => process.ReadLog().Contains($"replicafs mounted at {mountPoint};", StringComparison.Ordinal) || !process.IsRunning,
            "the mount process to mount",
            TimeSpan.FromSeconds(45));
        Assert.True(process.IsRunning, $"the mount process exited early:\n{process.ReadLog()}");
        Assert.Equal("fuse.replicafs", MountTable.Find(mountPoint)?.FileSystemType);
        return process;
    }

    /// <summary>Waits for the exit, requires <paramref name="expected"/> as its code, and returns the complete log.</summary>
    public async Task<string> AssertExitsWithAsync(int expected, TimeSpan timeout)
    {
        await Eventually.TrueAsync(() => !_process.IsRunning, "the mount process to exit", timeout);
        await Eventually.TrueAsync(() => ReadLog().Contains("===== ", StringComparison.Ordinal) && ReadLog().Contains(" exited with ", StringComparison.Ordinal), "the log to be complete");
        Assert.True(_process.ExitCode == expected, $"the mount process exited with {_process.ExitCode}, expected {expected}:\n{ReadLog()}");
        return ReadLog();
    }

    public string ReadLog() => _process.ReadLog();

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.Remove(_logDirectory);
    }
}
