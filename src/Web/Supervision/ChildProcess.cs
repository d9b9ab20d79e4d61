using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// One supervised process. It runs as <c>dotnet ASSEMBLY ARGS</c> with stdin from /dev/null and its output appended
/// straight to <c>logs/NAME.log</c> (through <c>sh -c 'exec …'</c>, so that the pid is dotnet's own and the process keeps
/// logging if the supervisor dies). The supervisor never restarts it by itself.
/// </summary>
internal sealed class ChildProcess(ChildSpec spec, string dotnet, string logFile, TimeProvider time) : IDisposable
{
    private const string ExecScript = "exec \"$@\" </dev/null >>\"$0\" 2>&1";
    private readonly Lock _gate = new();
    private Process? _process;
    private TaskCompletionSource _exited = CompletedSource();
    private ProcessState _state = ProcessState.NotStarted;
    private ProcessState? _exitState;
    private string? _detail;
    private int? _pid;
    private int? _exitCode;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _exitedAt;

    /// <summary>Raised (on a thread-pool thread) when the process exits, however it exited.</summary>
    public event Action<ChildProcess>? Exited;

    /// <summary>How to run it.</summary>
    public ChildSpec Spec => spec;

    /// <summary>Its name.</summary>
    public string Name => spec.Name;

    /// <summary>Its log file.</summary>
    public string LogFile => logFile;

    /// <summary>Start time of the current (or last) process in clock ticks since boot, for the run record.</summary>
    public long StartTicks { get; private set; }

    /// <summary>Whether the process is alive.</summary>
    public bool IsAlive
    {
        get
        {
            lock (_gate)
            {
                return _state is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping;
            }
        }
    }

    /// <summary>Its pid while alive (the last one afterwards).</summary>
    public int? Pid
    {
        get
        {
            lock (_gate)
            {
                return _pid;
            }
        }
    }

    /// <summary>Its state and figures for the API and the dashboard.</summary>
    public SupervisedProcessInfo Describe()
    {
        lock (_gate)
        {
            return new SupervisedProcessInfo(spec.Name, spec.Kind, spec.UrlText, _state, _pid, _exitCode, _startedAt, _exitedAt, _detail);
        }
    }

    /// <summary>Marks the process as not runnable with this build (it is not started).</summary>
    public void MarkUnavailable(string why)
    {
        lock (_gate)
        {
            _state = ProcessState.Unavailable;
            _detail = why;
        }
    }

    /// <summary>Starts the process; its state is <see cref="ProcessState.Starting"/> until <see cref="MarkRunning"/>.</summary>
    /// <exception cref="InvalidOperationException">It is already running.</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_state is ProcessState.Starting or ProcessState.Running or ProcessState.Stopping)
            {
                throw new InvalidOperationException($"{spec.Name} is already running (pid {_pid}).");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
            var command = string.Join(' ', new[] { dotnet, spec.Executable }.Concat(spec.Arguments));
            File.AppendAllText(logFile, $"===== {time.GetLocalNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} starting {spec.Name}: {command}\n", Encoding.UTF8);

            var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            foreach (var argument in new[] { "-c", ExecScript, logFile, dotnet, spec.Executable }.Concat(spec.Arguments))
            {
                info.ArgumentList.Add(argument);
            }

            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.Exited += OnExited;
            _exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _exitState = null;
            process.Start();
            _process?.Dispose();
            _process = process;
            _pid = process.Id;
            StartTicks = ProcStat.StartTicks(process.Id) ?? 0;
            _state = ProcessState.Starting;
            _startedAt = time.GetUtcNow();
            _exitedAt = null;
            _exitCode = null;
            _detail = null;
        }
    }

    /// <summary>Records that the process is ready (healthy, registered, or mounted).</summary>
    public void MarkRunning()
    {
        lock (_gate)
        {
            if (_state == ProcessState.Starting)
            {
                _state = ProcessState.Running;
            }
        }
    }

    /// <summary>SIGKILL on request: it dies at once without any cleanup and stays dead.</summary>
    /// <returns>False when it was not running.</returns>
    public bool Kill() => KillAs(ProcessState.Killed);

    private bool KillAs(ProcessState exitState)
    {
        Process process;
        lock (_gate)
        {
            if (_process is null || _state is not (ProcessState.Starting or ProcessState.Running or ProcessState.Stopping))
            {
                return false;
            }

            process = _process;
            _exitState = exitState;
        }

        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited in the meantime; the exit handler records it.
        }

        return true;
    }

    /// <summary>SIGTERM: asks the process to stop cleanly (it is then recorded as stopped).</summary>
    /// <returns>False when it was not running.</returns>
    public bool Terminate()
    {
        int pid;
        lock (_gate)
        {
            if (_process is null || _pid is null || _state is not (ProcessState.Starting or ProcessState.Running or ProcessState.Stopping))
            {
                return false;
            }

            pid = _pid.Value;
            _state = ProcessState.Stopping;
            _exitState ??= ProcessState.Stopped;
        }

        return PosixSignals.Send(pid, PosixSignals.Terminate);
    }

    /// <summary>SIGTERM, then SIGKILL when it has not exited within <paramref name="timeout"/>; waits until it is gone.</summary>
    /// <returns>True when it stopped on SIGTERM, false when it needed SIGKILL (or was not running).</returns>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (!Terminate())
        {
            return false;
        }

        var exited = ExitedTask;
        if (await Task.WhenAny(exited, Task.Delay(timeout, time)) == exited)
        {
            return true;
        }

        lock (_gate)
        {
            _detail = $"did not exit within {timeout.TotalSeconds:0.#} s of SIGTERM and was killed";
        }

        KillAs(ProcessState.Stopped);
        await exited.WaitAsync(TimeSpan.FromSeconds(10));
        return false;
    }

    /// <summary>Completes when the current process has exited (at once when none runs).</summary>
    public Task ExitedTask
    {
        get
        {
            lock (_gate)
            {
                return _exited.Task;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _process?.Dispose();
            _process = null;
        }
    }

    private void OnExited(object? sender, EventArgs e)
    {
        var process = (Process)sender!;
        TaskCompletionSource exited;
        lock (_gate)
        {
            if (!ReferenceEquals(process, _process))
            {
                return;
            }

            int? code = null;
            try
            {
                code = process.ExitCode;
            }
            catch (InvalidOperationException)
            {
                // No exit code available (should not happen after Exited).
            }

            _exitCode = code;
            _exitedAt = time.GetUtcNow();
            _state = _exitState ?? ProcessState.Exited;
            _detail = _state switch
            {
                ProcessState.Killed => "killed with SIGKILL on request; it stays down until restored",
                ProcessState.Stopped => _detail ?? "stopped by the supervisor",
                _ => $"exited on its own with code {code?.ToString(CultureInfo.InvariantCulture) ?? "?"}; it was not restarted (see logs/{spec.Name}.log)",
            };
            exited = _exited;
        }

        exited.TrySetResult();
        Exited?.Invoke(this);
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
