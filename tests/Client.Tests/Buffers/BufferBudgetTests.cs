using ReplicaFs.Client.Buffers;

namespace ReplicaFs.Client.Tests.Buffers;

public sealed class BufferBudgetTests
{
    [Fact]
    public async Task Waiters_are_served_in_order_and_pressure_is_raised()
    {
        var ct = TestContext.Current.CancellationToken;
        var budget = new BufferBudget(100);
        var pressure = 0;
        budget.Pressure += (_, _) => Interlocked.Increment(ref pressure);
        var first = await budget.AcquireAsync(80, ct);

        var big = budget.AcquireAsync(60, ct).AsTask();
        var small = budget.AcquireAsync(10, ct).AsTask();

        // The small request fits, but waits behind the big one: no starvation of large requests.
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);
        Assert.False(budget.TryAcquire(1, out _));
        Assert.Equal(2, pressure);

        first.Dispose();
        var bigGrant = await big.WaitAsync(TimeSpan.FromSeconds(5), ct);
        var smallGrant = await small.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal(30, budget.Available);
        bigGrant.Dispose();
        smallGrant.Dispose();
        Assert.Equal(100, budget.Available);
    }

    [Fact]
    public async Task A_cancelled_wait_takes_nothing_and_lets_others_through()
    {
        var ct = TestContext.Current.CancellationToken;
        var budget = new BufferBudget(100);
        var held = await budget.AcquireAsync(100, ct);
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(50, cancel.Token).AsTask();
        var behind = budget.AcquireAsync(20, ct).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        (await behind.WaitAsync(TimeSpan.FromSeconds(5), ct)).Dispose();
        Assert.Equal(100, budget.Available);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task A_request_larger_than_the_budget_waits_for_all_of_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var budget = new BufferBudget(100);
        using var grant = await budget.AcquireAsync(1000, ct);
        Assert.Equal(100, grant.Amount);
        Assert.Equal(0, budget.Available);
    }

    [Fact]
    public async Task A_grant_splits_into_chunk_buffers_that_return_their_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        var budget = new BufferBudget(1000);
        var grant = await budget.AcquireAsync(600, ct);
        var a = ChunkBuffer.FromGrant(ref grant, 200);
        var b = ChunkBuffer.FromGrant(ref grant, 200).Retain();
        grant.Dispose();
        Assert.Equal(400, 1000 - budget.Available);

        a.Dispose();
        b.Dispose();
        Assert.Equal(800, budget.Available);
        b.Dispose();
        Assert.Equal(1000, budget.Available);
        Assert.Throws<ObjectDisposedException>(() => b.Span.Length);
    }
}
