namespace ReplicaFs.Client.Buffers;

/// <summary>
/// A global limit on the bytes the client holds in chunk buffers (dirty chunks, read-ahead, merge buffers).
/// Waiters are served first come, first served; a request larger than the whole budget is treated as a request for
/// the whole budget, so it can always be granted eventually. When someone has to wait, <see cref="Pressure"/> is
/// raised so that holders of releasable buffers (write-behind, read-ahead) give memory back.
/// </summary>
public sealed class BufferBudget
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    /// <summary>A budget of <paramref name="capacity"/> bytes.</summary>
    public BufferBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _available = capacity;
    }

    /// <summary>Raised (outside any lock) when a request cannot be granted at once.</summary>
    public event EventHandler? Pressure;

    /// <summary>Total bytes.</summary>
    public long Capacity { get; }

    /// <summary>Bytes not granted right now.</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                return _available;
            }
        }
    }

    /// <summary>Number of requests waiting.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Takes <paramref name="bytes"/> if they are available now and nobody is waiting.</summary>
    public bool TryAcquire(long bytes, out BudgetGrant grant)
    {
        var amount = Clamp(bytes);
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= amount)
            {
                _available -= amount;
                grant = new BudgetGrant(this, amount);
                return true;
            }
        }

        grant = default;
        return false;
    }

    /// <summary>Takes <paramref name="bytes"/>, waiting for other holders to release memory if needed.</summary>
    public async ValueTask<BudgetGrant> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        var amount = Clamp(bytes);
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= amount)
            {
                _available -= amount;
                return new BudgetGrant(this, amount);
            }

            waiter = new Waiter(amount);
            node = _waiters.AddLast(waiter);
        }

        Pressure?.Invoke(this, EventArgs.Empty);
        try
        {
            await waiter.Granted.Task.WaitAsync(cancellationToken);
            return new BudgetGrant(this, amount);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                    GrantWaiters();
                    throw;
                }
            }

            // Granted just as the wait was cancelled: give the bytes back.
            Release(amount);
            throw;
        }
    }

    /// <summary>Gives back bytes of a grant.</summary>
    internal void Release(long amount)
    {
        if (amount <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _available += amount;
            if (_available > Capacity)
            {
                throw new InvalidOperationException("More bytes were released than granted.");
            }

            GrantWaiters();
        }
    }

    private void GrantWaiters()
    {
        while (_waiters.First is { } first && first.Value.Amount <= _available)
        {
            _available -= first.Value.Amount;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult();
        }
    }

    private long Clamp(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return Math.Min(bytes, Capacity);
    }

    private sealed class Waiter(long amount)
    {
        public long Amount { get; } = amount;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Bytes granted by a <see cref="BufferBudget"/>; dispose to give them back (once).</summary>
public struct BudgetGrant : IDisposable
{
    private BufferBudget? _budget;

    internal BudgetGrant(BufferBudget budget, long amount)
    {
        _budget = budget;
        Amount = amount;
    }

    /// <summary>Bytes held.</summary>
    public long Amount { get; private set; }

    /// <summary>Moves <paramref name="amount"/> bytes of this grant into a grant of their own.</summary>
    public BudgetGrant Split(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amount, Amount);
        Amount -= amount;
        return new BudgetGrant(_budget ?? throw new ObjectDisposedException(nameof(BudgetGrant)), amount);
    }

    /// <summary>Gives the bytes back.</summary>
    public void Dispose()
    {
        var budget = _budget;
        _budget = null;
        budget?.Release(Amount);
        Amount = 0;
    }
}
