using System.Buffers;

namespace ReplicaFs.Client.Buffers;

/// <summary>
/// A pooled byte array of at least one chunk, paid for from the <see cref="BufferBudget"/>. It is reference counted:
/// whoever still sends from it after its owner is done (a replica PUT that outlives the write) calls
/// <see cref="Retain"/> and disposes it when finished; the last dispose returns the array to the pool and the bytes to
/// the budget. Nobody may use the buffer after their own dispose.
/// </summary>
internal sealed class ChunkBuffer : IDisposable
{
    private byte[]? _array;
    private BudgetGrant _grant;
    private int _references = 1;

    private ChunkBuffer(byte[] array, int length, BudgetGrant grant)
    {
        _array = array;
        Length = length;
        _grant = grant;
    }

    /// <summary>Usable bytes.</summary>
    public int Length { get; }

    /// <summary>The usable bytes.</summary>
    public Memory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>The usable bytes.</summary>
    public Span<byte> Span => Array.AsSpan(0, Length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(ChunkBuffer));

    /// <summary>Rents a buffer of <paramref name="length"/> bytes, waiting for the budget if needed.</summary>
    public static async ValueTask<ChunkBuffer> RentAsync(BufferBudget budget, int length, CancellationToken cancellationToken)
    {
        var grant = await budget.AcquireAsync(length, cancellationToken);
        return new ChunkBuffer(ArrayPool<byte>.Shared.Rent(length), length, grant);
    }

    /// <summary>Rents a buffer paid for by bytes already granted (moved out of <paramref name="grant"/>).</summary>
    public static ChunkBuffer FromGrant(ref BudgetGrant grant, int length) =>
        new(ArrayPool<byte>.Shared.Rent(length), length, grant.Split(Math.Min(length, grant.Amount)));

    /// <summary>Rents a buffer if the budget allows it right now.</summary>
    public static ChunkBuffer? TryRent(BufferBudget budget, int length) =>
        budget.TryAcquire(length, out var grant) ? new ChunkBuffer(ArrayPool<byte>.Shared.Rent(length), length, grant) : null;

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

        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
            _grant.Dispose();
        }
    }
}
