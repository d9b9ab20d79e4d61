using System.Globalization;
using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// Owns the processes of a local cluster: starts meta, then the data servers, then the mount (when configured and
/// available), each as a child process logging to <c>logs/NAME.log</c>; keeps the launcher's run record current; tells
/// the launcher when everything is ready (<see cref="StartupReport"/>); kills and restores data servers on request; and
/// stops mount → data servers → meta on shutdown (SIGTERM, then SIGKILL after the stop timeout). A child that exits
/// on its own is reported (log, dashboard, event log) and never restarted silently.
/// </summary>
public sealed class ClusterSupervisor : IHostedService, ISupervisedProcesses, IDisposable
{
    /// <summary>The named HttpClient used for health checks.</summary>
    public const string HealthClientName = "replicafs-supervisor-health";

    /// <summary>The source of the events the supervisor records at the metadata server.</summary>
    public const string EventSource = "supervisor";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly SupervisorOptions _options;
    private readonly ClusterPlan _plan;
    private readonly IClusterApi _meta;
    private readonly IHttpClientFactory _http;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _webUrl;
    private readonly Uri _metaUrl;
    private readonly SemaphoreSlim _actions = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<ChildProcess> _children = [];
    private Task _startup = Task.CompletedTask;
    private SupervisorPhase _phase = SupervisorPhase.Starting;
    private string? _failure;

    /// <summary>Creates the supervisor; nothing starts before <see cref="StartAsync"/>.</summary>
    public ClusterSupervisor(SupervisorOptions options, ClusterPlan plan, IClusterApi meta, IHttpClientFactory http, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ClusterSupervisor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plan);
        _options = options;
        _plan = plan;
        _meta = meta;
        _http = http;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
        _metaUrl = LoopbackUrl(plan.MetaPort);
        _webUrl = LoopbackUrl(plan.WebPort);
    }

    /// <inheritdoc />
    public event Action? Changed;

    /// <inheritdoc />
    public SupervisorPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <inheritdoc />
    public string? FailureReason
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<SupervisedProcessInfo> Processes
    {
        get
        {
            lock (_gate)
            {
                return [.. _children.Select(c => c.Describe())];
            }
        }
    }

    /// <summary>How many data servers this run starts.</summary>
    private int DataServerCount => Math.Min(_options.DataServers ?? _plan.DataPorts.Count, _plan.DataPorts.Count);

    /// <summary>Starts the cluster in the background, so that the dashboard can show the start-up as it happens.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        SupervisorLog.Starting(_logger, _options.StateDirectory, _plan.MetaPort, DataServerCount, _plan.WebPort, _plan.Mount is { } m ? $", mount at {m.Directory}" : string.Empty);
        _startup = Task.Run(() => RunStartupAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops mount → data servers → meta, each SIGTERM then SIGKILL after the stop timeout, and removes the run record.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_phase != SupervisorPhase.Failed)
            {
                _phase = SupervisorPhase.Stopping;
            }
        }

        RaiseChanged();
        await _stopping.CancelAsync();
        await IgnoreFailuresAsync(_startup, TimeSpan.FromSeconds(30));
        var gotActionLock = await _actions.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        try
        {
            await StopChildrenAsync();
        }
        finally
        {
            if (gotActionLock)
            {
                _actions.Release();
            }
        }
    }

    /// <inheritdoc />
    public async Task<ProcessActionResult> KillAsync(string name, CancellationToken cancellationToken)
    {
        await _actions.WaitAsync(cancellationToken);
        try
        {
            var child = FindDataServer(name);
            EnsureReady();
            if (!child.IsAlive)
            {
                throw new SupervisorActionException(409, "Not running", $"{name} is not running ({Describe(child.Describe())}); restore it instead.");
            }

            var pid = child.Pid;
            child.Kill();
            await child.ExitedTask.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            SupervisorLog.Killed(_logger, name, pid);
            _ = RecordEventAsync(
                "process.killed",
                EventSeverity.Warning,
                $"{name} ({child.Spec.UrlText}, pid {pid}) was killed with SIGKILL by the local supervisor on request; it stays down until restored.",
                child.Spec.UrlText);
            return new ProcessActionResult($"Killed {name} (pid {pid}) with SIGKILL. It stays down until you restore it.", child.Describe());
        }
        finally
        {
            _actions.Release();
        }
    }

    /// <inheritdoc />
    public async Task<ProcessActionResult> RestoreAsync(string name, CancellationToken cancellationToken)
    {
        await _actions.WaitAsync(cancellationToken);
        try
        {
            var child = FindDataServer(name);
            EnsureReady();
            if (child.IsAlive)
            {
                throw new SupervisorActionException(409, "Still running", $"{name} is running (pid {child.Pid}); kill it first.");
            }

            // Checked before the data directory is emptied, so that a refused restore loses nothing.
            var port = child.Spec.Url.Port;
            if (!LoopbackPort.IsFree(port))
            {
                throw new SupervisorActionException(409, "Port in use", $"Port {port} of {name} is in use by another program, so {name} cannot listen on it again. Free the port, then restore {name}.");
            }

            var dataDirectory = child.Spec.DataDirectory!;
            SupervisorLog.Restoring(_logger, name, dataDirectory, child.Spec.UrlText);
            try
            {
                if (Directory.Exists(dataDirectory))
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }

                child.Start();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                throw new SupervisorActionException(500, "Restore failed", $"Could not restart {name}: {ex.Message}");
            }

            SupervisorLog.Started(_logger, name, child.Pid, child.Spec.UrlText, child.LogFile);
            WriteRunRecord();
            RaiseChanged();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            try
            {
                await WaitHealthyAsync(child, _time.GetUtcNow() + _options.StartTimeout, linked.Token);
            }
            catch (NotReadyException ex)
            {
                throw new SupervisorActionException(500, "Restore failed", $"{ex.Message} See logs/{name}.log.");
            }

            child.MarkRunning();
            SupervisorLog.Ready(_logger, name);
            RaiseChanged();
            _ = RecordEventAsync(
                "process.restored",
                EventSeverity.Info,
                $"{name} was restarted by the local supervisor on {child.Spec.UrlText} with an empty data directory (pid {child.Pid}); it rebuilds its replicas from its peers.",
                child.Spec.UrlText);
            return new ProcessActionResult(
                $"Restarted {name} on {child.Spec.UrlText} with an empty data directory (pid {child.Pid}). It rebuilds its replicas from its peers.",
                child.Describe());
        }
        finally
        {
            _actions.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var child in _children)
            {
                child.Dispose();
            }
        }

        _actions.Dispose();
        _stopping.Dispose();
    }

    private static Uri LoopbackUrl(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    private static string Describe(SupervisedProcessInfo info) =>
        info.ExitCode is { } code ? $"{info.State.ToString().ToLowerInvariant()}, exit code {code}" : info.State.ToString().ToLowerInvariant();

    private static async Task IgnoreFailuresAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or NotReadyException)
        {
            // Start-up reports its own failures; here we only wait for it to let go.
        }
    }

    private async Task RunStartupAsync(CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.StartTimeout;
        try
        {
            // The dashboard listens first: if its port is taken the host fails before any server was started.
            await WaitForListeningAsync(deadline, cancellationToken);
            var meta = AddChild(MetaSpec());
            WriteRunRecord();
            await StartAndWaitHealthyAsync([meta], deadline, cancellationToken);

            var data = Enumerable.Range(1, DataServerCount).Select(n => AddChild(DataSpec(n))).ToList();
            await StartAndWaitHealthyAsync(data, deadline, cancellationToken);
            await WaitRegisteredAsync(data, deadline, cancellationToken);
            foreach (var server in data)
            {
                server.MarkRunning();
                SupervisorLog.Ready(_logger, server.Name);
            }

            RaiseChanged();
            var warnings = new List<string>();
            if (_plan.Mount is { } mount)
            {
                var child = AddChild(MountSpec(mount));
                if (MountUnavailableReason() is { } problem)
                {
                    child.MarkUnavailable(problem);
                    SupervisorLog.MountUnavailable(_logger, problem);
                    warnings.Add($"warning the file system was not mounted at {mount.Directory}: {problem}");
                    RaiseChanged();
                }
                else
                {
                    Directory.CreateDirectory(mount.Directory);
                    StartChild(child);
                    await WaitMountedAsync(child, mount.Directory, deadline, cancellationToken);
                    child.MarkRunning();
                    SupervisorLog.Ready(_logger, child.Name);
                    RaiseChanged();
                }
            }

            var lines = ReadyLines(meta, data).Concat(warnings).ToList();
            lock (_gate)
            {
                _phase = SupervisorPhase.Ready;
            }

            StartupReport.WriteReady(_options.StateDirectory, lines);
            SupervisorLog.ClusterReady(_logger, string.Join(", ", lines));
            RaiseChanged();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped during start-up: StopAsync stops what was started.
        }
        catch (Exception ex) when (ex is NotReadyException or IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            var name = ex is NotReadyException notReady ? notReady.Name : "web";
            lock (_gate)
            {
                _phase = SupervisorPhase.Failed;
                _failure = $"{name}: {ex.Message}";
            }

            SupervisorLog.StartupFailed(_logger, name, ex.Message);
            StartupReport.WriteFailed(_options.StateDirectory, name, ex.Message);
            RaiseChanged();
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    private IEnumerable<string> ReadyLines(ChildProcess meta, IEnumerable<ChildProcess> data)
    {
        yield return $"meta {meta.Spec.UrlText}";
        foreach (var server in data)
        {
            yield return $"data {server.Spec.UrlText}";
        }

        yield return $"web {_webUrl.GetLeftPart(UriPartial.Authority)}";
        if (_plan.Mount is { } mount && Find("mount") is { IsAlive: true })
        {
            yield return $"mount {mount.Directory}";
        }
    }

    private ChildSpec MetaSpec()
    {
        var arguments = new List<string>
        {
            "meta",
            "--port", Text(_plan.MetaPort),
            "--data-dir", Path.Combine(_options.StateDirectory, "meta"),
            "--replicas", Text(_plan.Replicas),
            "--enable-faults",
        };
        if (_plan.ChunkSize is { } chunkSize)
        {
            arguments.AddRange(["--chunk-size", Text(chunkSize)]);
        }

        return new ChildSpec("meta", ProcessKind.Meta, _metaUrl, _options.ApiDll, arguments, null);
    }

    private ChildSpec DataSpec(int number)
    {
        var name = $"data-{Text(number)}";
        var port = _plan.DataPorts[number - 1];
        var dataDirectory = Path.Combine(_options.StateDirectory, name);
        var arguments = new List<string>
        {
            "data",
            "--port", Text(port),
            "--meta", _metaUrl.GetLeftPart(UriPartial.Authority),
            "--data-dir", dataDirectory,
            "--enable-faults",
            "--name", name,
        };
        return new ChildSpec(name, ProcessKind.Data, LoopbackUrl(port), _options.ApiDll, arguments, dataDirectory);
    }

    private ChildSpec MountSpec(MountPlan mount) =>
        new(
            "mount",
            ProcessKind.Mount,
            new Uri(mount.Directory),
            _options.FuseDll ?? string.Empty,
            ["mount", mount.Directory, "--meta", _metaUrl.GetLeftPart(UriPartial.Authority), "--qr", Text(mount.ReadQuorum), "--qw", Text(mount.WriteQuorum)],
            null);

    /// <summary>Why the configured mount cannot be started, or null when the FUSE client is there.</summary>
    private string? MountUnavailableReason() =>
        _options.FuseDll is not { } fuseDll ? "the launcher gave no FUSE client (--fuse)"
        : !File.Exists(fuseDll) ? $"{fuseDll} is not built"
        : null;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private ChildProcess AddChild(ChildSpec spec)
    {
        var child = new ChildProcess(spec, _options.DotnetPath, Path.Combine(_options.LogDirectory, spec.Name + ".log"), _time);
        child.Exited += OnChildExited;
        lock (_gate)
        {
            _children.Add(child);
        }

        RaiseChanged();
        return child;
    }

    private ChildProcess? Find(string name)
    {
        lock (_gate)
        {
            return _children.FirstOrDefault(c => c.Name == name);
        }
    }

    private ChildProcess FindDataServer(string name)
    {
        var child = Find(name) ?? throw new SupervisorActionException(404, "Unknown process", $"No process is named '{name}'. Names: {string.Join(", ", Processes.Select(p => p.Name))}.");
        return child.Spec.Kind == ProcessKind.Data
            ? child
            : throw new SupervisorActionException(400, "Not a data server", $"Only data servers can be killed and restored; {name} is {(child.Spec.Kind == ProcessKind.Meta ? "the metadata server" : "the FUSE mount")}.");
    }

    private void EnsureReady()
    {
        var phase = Phase;
        if (phase != SupervisorPhase.Ready)
        {
            throw new SupervisorActionException(409, "Cluster not ready", $"The cluster is {phase.ToString().ToLowerInvariant()}; try again when it is ready.");
        }
    }

    private void StartChild(ChildProcess child)
    {
        child.Start();
        SupervisorLog.Started(_logger, child.Name, child.Pid, child.Spec.UrlText, child.LogFile);
        WriteRunRecord();
        RaiseChanged();
    }

    private async Task StartAndWaitHealthyAsync(IReadOnlyList<ChildProcess> children, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        foreach (var child in children)
        {
            StartChild(child);
        }

        await Task.WhenAll(children.Select(c => WaitHealthyAsync(c, deadline, cancellationToken)));
        if (children is [{ Spec.Kind: ProcessKind.Meta } meta])
        {
            meta.MarkRunning();
            SupervisorLog.Ready(_logger, meta.Name);
            RaiseChanged();
        }
    }

    private async Task WaitForListeningAsync(DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        var remaining = deadline - _time.GetUtcNow();
        await started.Task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, cancellationToken);
    }

    private async Task WaitHealthyAsync(ChildProcess child, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var client = _http.CreateClient(HealthClientName);
        var url = new Uri(child.Spec.Url, "/healthz");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnsureAlive(child);
            try
            {
                using var response = await client.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet.
            }

            if (_time.GetUtcNow() >= deadline)
            {
                EnsureAlive(child);
                throw new NotReadyException(child.Name, $"{child.Name} did not answer {url} within {_options.StartTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private async Task WaitRegisteredAsync(IReadOnlyList<ChildProcess> data, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var pending = data.Select(d => d.Name).ToList();
        string? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var child in data)
            {
                EnsureAlive(child);
            }

            try
            {
                using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                call.CancelAfter(TimeSpan.FromSeconds(3));
                var servers = await _meta.GetServersAsync(call.Token);
                pending = [.. data.Where(d => !servers.Any(s => s.Url == d.Spec.UrlText && s.State is ServerState.Up or ServerState.Rebuilding)).Select(d => d.Name)];
                if (pending.Count == 0)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                lastError = ex.Message;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new NotReadyException("meta", $"the metadata server did not list {string.Join(", ", pending)} as Up within {_options.StartTimeout.TotalSeconds:0} s{(lastError is null ? "." : $" (last error: {lastError}).")}");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private async Task WaitMountedAsync(ChildProcess child, string directory, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (!MountTable.IsFuseMounted(directory))
        {
            EnsureAlive(child);
            if (_time.GetUtcNow() >= deadline)
            {
                throw new NotReadyException(child.Name, $"the file system was not mounted at {directory} within {_options.StartTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    private static void EnsureAlive(ChildProcess child)
    {
        if (!child.IsAlive)
        {
            var info = child.Describe();
            throw new NotReadyException(child.Name, $"{child.Name} exited during start-up with code {info.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"} (see logs/{child.Name}.log).");
        }
    }

    private async Task StopChildrenAsync()
    {
        List<ChildProcess> children;
        lock (_gate)
        {
            children = [.. _children];
        }

        var alive = children.Where(c => c.IsAlive).ToList();
        if (alive.Count > 0)
        {
            SupervisorLog.Stopping(_logger, string.Join(", ", alive.Select(c => c.Name)));
        }

        foreach (var kind in new[] { ProcessKind.Mount, ProcessKind.Data, ProcessKind.Meta })
        {
            await Task.WhenAll(children.Where(c => c.Spec.Kind == kind && c.IsAlive).Select(c => c.StopAsync(_options.StopTimeout)));
        }

        File.Delete(Path.Combine(_options.StateDirectory, StartupReport.ReadyFile));
        var survivors = children.Where(c => c.IsAlive).ToList();
        foreach (var survivor in survivors)
        {
            SupervisorLog.StillRunning(_logger, survivor.Name, survivor.Pid);
        }

        if (survivors.Count == 0)
        {
            RunRecord.Remove(_options.StateDirectory);
            SupervisorLog.Stopped(_logger);
        }

        RaiseChanged();
    }

    private void WriteRunRecord()
    {
        lock (_gate)
        {
            var self = new RunRecord.Entry("web", Environment.ProcessId, ProcStat.StartTicks(Environment.ProcessId) ?? 0, _webUrl.GetLeftPart(UriPartial.Authority));
            var children = _children
                .Where(c => c.Pid is not null)
                .Select(c => new RunRecord.Entry(c.Name, c.Pid!.Value, c.StartTicks, c.Spec.UrlText));
            RunRecord.Write(_options.StateDirectory, children.Prepend(self));
        }
    }

    private void OnChildExited(ChildProcess child)
    {
        var info = child.Describe();
        if (info.State == ProcessState.Exited)
        {
            SupervisorLog.ExitedOnItsOwn(_logger, child.Name, info.Pid, info.ExitCode);
            if (Phase == SupervisorPhase.Ready)
            {
                _ = RecordEventAsync(
                    "process.exited",
                    EventSeverity.Error,
                    $"{child.Name} ({child.Spec.UrlText}, pid {info.Pid}) exited on its own with code {info.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}; the local supervisor did not restart it (see logs/{child.Name}.log).",
                    child.Spec.Kind == ProcessKind.Data ? child.Spec.UrlText : null);
            }
        }
        else
        {
            SupervisorLog.ExitedAsRequested(_logger, child.Name, info.Pid, info.State == ProcessState.Killed ? "was killed" : "stopped");
        }

        RaiseChanged();
    }

    private async Task RecordEventAsync(string kind, EventSeverity severity, string message, string? serverUrl)
    {
        try
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            call.CancelAfter(TimeSpan.FromSeconds(5));
            int? serverId = null;
            if (serverUrl is not null)
            {
                var servers = await _meta.GetServersAsync(call.Token);
                serverId = servers.FirstOrDefault(s => s.Url == serverUrl)?.Id;
            }

            await _meta.AddEventAsync(new NewEvent(kind, severity, message, EventSource, serverId), call.Token);
        }
        catch (Exception ex) when (ex is ApiExceptionBase or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            SupervisorLog.EventNotRecorded(_logger, kind, ex.Message);
        }
    }

    private void RaiseChanged() => Changed?.Invoke();
}
