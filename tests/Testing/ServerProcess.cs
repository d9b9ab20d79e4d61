using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ReplicaFs.Testing;

/// <summary>
/// A server running as a real child process (<c>dotnet ReplicaFs.Api.dll …</c>), its output appended to a log file.
/// It can be killed with SIGKILL (no cleanup at all), stopped with SIGTERM, and started again with the same arguments.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly string _dll;
    private Process? _process;

    /// <summary>Prepares (does not start) a server process.</summary>
    public ServerProcess(string name, string dll, IReadOnlyList<string> arguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        _dll = dll;
        Arguments = arguments;
        LogFile = logFile;
        Environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>Display name, e.g. "meta" or "data-2".</summary>
    public string Name { get; }

    /// <summary>Command-line arguments after the dll.</summary>
    public IReadOnlyList<string> Arguments { get; set; }

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Where stdout and stderr go (appended across restarts).</summary>
    public string LogFile { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The OS process id while running.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Starts the process.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        if (!File.Exists(_dll))
        {
            throw new FileNotFoundException($"{_dll} is not built; build the solution first.", _dll);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_dll);
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var log = new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), Encoding.UTF8) { AutoFlush = true };
        var gate = new Lock();
        log.WriteLine($"===== {DateTime.Now:HH:mm:ss.fff} starting {Name}: dotnet {_dll} {string.Join(' ', Arguments)}");
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                log.WriteLine(line);
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) =>
        {
            // Give the output readers a moment to drain before the log is closed.
            process.WaitForExit();
            lock (gate)
            {
                log.WriteLine($"===== {DateTime.Now:HH:mm:ss.fff} {Name} exited with {process.ExitCode}");
                log.Dispose();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: the process dies at once, without any cleanup.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        _ = SendSignal(process.Id, 15);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    /// <summary>The exit code once the process has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The log so far (for failure messages).</summary>
    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException ex)
        {
            return $"(log unavailable: {ex.Message})";
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
