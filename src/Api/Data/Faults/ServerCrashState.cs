namespace ReplicaFs.Api.Data.Faults;

/// <summary>
/// Whether the server is in the injected crashed state, and the token that background work (rebuild, scrub,
/// garbage collection) runs under: it is cancelled when the server crashes and renewed when it is restored.
/// </summary>
internal sealed class ServerCrashState : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _work = new();
    private volatile bool _crashed;

    /// <summary>Whether the server is crashed.</summary>
    public bool Crashed => _crashed;

    /// <summary>Cancelled when the server crashes; background work links its passes to it.</summary>
    public CancellationToken WorkToken
    {
        get
        {
            lock (_gate)
            {
                return _work.Token;
            }
        }
    }

    /// <summary>Enters the crashed state and cancels the background work under way.</summary>
    public void EnterCrashed()
    {
        CancellationTokenSource work;
        lock (_gate)
        {
            _crashed = true;
            work = _work;
        }

        work.Cancel();
    }

    /// <summary>Leaves the crashed state; background work may run again.</summary>
    public void LeaveCrashed()
    {
        lock (_gate)
        {
            // The cancelled source is left to the garbage collector: passes that linked to it may still hold its token.
            if (_work.IsCancellationRequested)
            {
                _work = new CancellationTokenSource();
            }

            _crashed = false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _work.Dispose();
        }
    }
}
