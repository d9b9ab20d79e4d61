namespace ReplicaFs.Api.Data.Background;

/// <summary>
/// Wakes a background loop early: <see cref="Set"/> makes the next (or the current) <see cref="WaitAsync"/> return at
/// once; several sets before a wait count as one. Thread-safe.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the waiter (now, or at its next wait).</summary>
    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>
    /// Waits until <see cref="Set"/> is called or <paramref name="timeout"/> passes (<see cref="Timeout.InfiniteTimeSpan"/>:
    /// only a set wakes it); returns whether it was set. Throws when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _next);
        if (!signal.Task.IsCompleted)
        {
            try
            {
                await signal.Task.WaitAsync(timeout, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        // Consumed: the next wait needs a new set.
        Interlocked.CompareExchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        return true;
    }
}
