using Microsoft.Extensions.Logging;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Work the file system starts without a request waiting for it (orphan reclaims, kernel cache invalidations), tracked
/// so that shutdown can wait for it (bounded) and failures are logged, never lost.
/// </summary>
internal sealed partial class BackgroundTasks(ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Starts <paramref name="work"/> on the thread pool.</summary>
    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception e)
            {
                LogFailed(logger, what, e);
            }
        });
        lock (_gate)
        {
            _running.Add(task);
        }

        task.ContinueWith(t => Forget(t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for everything started so far.</summary>
    /// <returns>True when nothing is left running.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Forget(Task task)
    {
        lock (_gate)
        {
            _running.Remove(task);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background work ({What}) failed")]
    private static partial void LogFailed(ILogger logger, string what, Exception exception);
}
