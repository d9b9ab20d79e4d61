namespace ReplicaFs.Client.Buffers;

/// <summary>
/// A pooled buffer of one chunk (mapped memory from <see cref="ChunkMemoryPool"/>), paid for from the <see cref="BufferBudget"/>. It is reference counted:
/// whoever still sends from it after its owner is done (a replica PUT that outlives the write) calls
/// <see cref="Retain"/> and disposes it when finished; the last dispose returns the array to the pool and the bytes to
/// the budget. Nobody may use the buffer after their own dispose.
/// </summary>
internal sealed class ChunkBuffer : IDisposable
{
    private MappedMemory? _memory;
    private BudgetGrant _grant;
    private int _references = 1;

    private ChunkBuffer(int length, BudgetGrant grant)
    {
        _memory = ChunkMemoryPool.Rent(length);
        Length = length;
        _grant = grant;
    }

    /// <summary>Usable bytes.</summary>
    public int Length { get; }

    /// <summary>The usable bytes.</summary>
    public Memory<byte> Memory => Mapped.Memory;

    /// <summary>The usable bytes.</summary>
    public Span<byte> Span => Mapped.GetSpan();

    private MappedMemory Mapped => _memory ?? throw new ObjectDisposedException(nameof(ChunkBuffer));

    /// <summary>Rents a buffer of <paramref name="length"/> bytes, waiting for the budget if needed.</summary>
    public static async ValueTask<ChunkBuffer> RentAsync(BufferBudget budget, int length, CancellationToken cancellationToken)
    {
        var grant = await budget.AcquireAsync(length, cancellationToken);
        return new ChunkBuffer(length, grant);
    }

    /// <summary>Rents a buffer paid for by bytes already granted (moved out of <paramref name="grant"/>).</summary>
    public static ChunkBuffer FromGrant(ref BudgetGrant grant, int length) =>
        new(length, grant.Split(Math.Min(length, grant.Amount)));

    /// <summary>Rents a buffer if the budget allows it right now.</summary>
    public static ChunkBuffer? TryRent(BufferBudget budget, int length) =>
        budget.TryAcquire(length, out var grant) ? new ChunkBuffer(length, grant) : null;

    /// <summary>Adds a reference; each reference is given back with one <see cref="Dispose"/>.</summary>
    public ChunkBuffer Retain()
    {
        ObjectDisposedException.ThrowIf(Interlocked.Increment(ref _references) <= 1, this);
        return this;
    }

    /// <summary>Gives back one reference; the last one returns the memory.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        var memory = Interlocked.Exchange(ref _memory, null);
        if (memory is not null)
        {
            ChunkMemoryPool.Return(memory);
            _grant.Dispose();
        }
    }
}
