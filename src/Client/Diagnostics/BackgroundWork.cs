using System.Collections.Concurrent;

namespace ReplicaFs.Client.Diagnostics;

/// <summary>
/// Work the client does off the application's critical path (late write acknowledgements, straggling digests).
/// Tracked so that disposing the client can wait for it (bounded) and then cancel what is left.
/// </summary>
internal sealed class BackgroundWork : IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the client shuts down and the drain time is over.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Runs <paramref name="work"/> in the background.</summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var task = Task.Run(() => work(_stopping.Token));
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(
            static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _),
            _running,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for running work, then cancels the rest.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        var pending = _running.Keys.ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
        {
            // Background failures were logged where they happened.
        }

        await _stopping.CancelAsync();
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();
}
