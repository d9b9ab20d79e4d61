
namespace ReplicaFs.Web.Supervision;

/// <summary>The supervisor's log messages.</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "Supervising the cluster in {StateDirectory}: meta on port {MetaPort}, {DataServers} data server(s), dashboard on port {WebPort}{Mount}.")]
    public static partial void Starting(ILogger logger, string stateDirectory, int metaPort, int dataServers, int webPort, string mount);

    [LoggerMessage(2, LogLevel.Information, "Started {Name} (pid {Pid}) on {Url}; log: {LogFile}")]
    public static partial void Started(ILogger logger, string name, int? pid, string url, string logFile);

    [LoggerMessage(3, LogLevel.Information, "{Name} is ready.")]
    public static partial void Ready(ILogger logger, string name);

    [LoggerMessage(4, LogLevel.Information, "The cluster is ready: {Summary}")]
    public static partial void ClusterReady(ILogger logger, string summary);

    [LoggerMessage(5, LogLevel.Error, "Start-up failed: {Name}: {Reason}")]
    public static partial void StartupFailed(ILogger logger, string name, string reason);

    [LoggerMessage(6, LogLevel.Warning, "{Name} (pid {Pid}) exited on its own with code {ExitCode}; it is not restarted.")]
    public static partial void ExitedOnItsOwn(ILogger logger, string name, int? pid, int? exitCode);

    [LoggerMessage(7, LogLevel.Information, "{Name} (pid {Pid}) {Outcome}.")]
    public static partial void ExitedAsRequested(ILogger logger, string name, int? pid, string outcome);

    [LoggerMessage(8, LogLevel.Warning, "Killed {Name} (pid {Pid}) with SIGKILL on request.")]
    public static partial void Killed(ILogger logger, string name, int? pid);

    [LoggerMessage(9, LogLevel.Information, "Restoring {Name}: emptied {DataDirectory}, starting it again on {Url}.")]
    public static partial void Restoring(ILogger logger, string name, string dataDirectory, string url);

    [LoggerMessage(10, LogLevel.Information, "Stopping the cluster: {Names}.")]
    public static partial void Stopping(ILogger logger, string names);

    [LoggerMessage(11, LogLevel.Information, "Stopped the cluster.")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(12, LogLevel.Warning, "The mount is configured but not started: {Reason}.")]
    public static partial void MountUnavailable(ILogger logger, string reason);

    [LoggerMessage(13, LogLevel.Warning, "Could not record the event '{Kind}' at the metadata server: {Error}")]
    public static partial void EventNotRecorded(ILogger logger, string kind, string error);

    [LoggerMessage(15, LogLevel.Warning, "{Name} (pid {Pid}) is still running after the stop; the run record is kept for ./replicafs down.")]
    public static partial void StillRunning(ILogger logger, string name, int? pid);
}
