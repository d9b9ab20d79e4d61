using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Data.Throttling;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>The rate limiter of rebuilds and scrubs, on a fake clock and on the real one.</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public async Task A_full_bucket_gives_its_capacity_at_once_then_waits_for_the_rate()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(1000, clock, capacity: 1000);

        Assert.True(bucket.TakeAsync(1000, ct).AsTask().IsCompleted);

        var next = bucket.TakeAsync(500, ct).AsTask();
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(400));
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await next.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task Concurrent_takers_share_the_rate_in_turn()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(1000, clock, capacity: 1000);
        await bucket.TakeAsync(1000, ct);

        var first = bucket.TakeAsync(1000, ct).AsTask();
        var second = bucket.TakeAsync(1000, ct).AsTask();
        clock.Advance(TimeSpan.FromSeconds(1));
        await first.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public async Task Idle_time_refills_no_more_than_the_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(1000, clock, capacity: 2000);
        await bucket.TakeAsync(2000, ct);

        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(bucket.TakeAsync(2000, ct).AsTask().IsCompleted);
        var over = bucket.TakeAsync(1, ct).AsTask();
        Assert.False(over.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await over.WaitAsync(TimeSpan.FromSeconds(5), ct);
    }

    [Fact]
    public void The_default_capacity_is_one_second_of_the_rate_and_at_least_one_block()
    {
        Assert.Equal(5_000_000, TokenBucket.ForMegabytesPerSecond(5, TimeProvider.System).Capacity);
        Assert.Equal(64 * 1024, new TokenBucket(10, TimeProvider.System).Capacity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_that_is_not_positive_and_finite_is_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(rate, TimeProvider.System));

    [Fact]
    public async Task Measured_on_the_real_clock_three_megabytes_at_one_megabyte_per_second_take_about_two_seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        var bucket = TokenBucket.ForMegabytesPerSecond(1, TimeProvider.System);
        var stopwatch = Stopwatch.StartNew();

        // 3 MB in 64 KiB steps from a bucket holding 1 MB: 2 MB must wait for the rate.
        for (long taken = 0; taken < 3_000_000; taken += 65_536)
        {
            await bucket.TakeAsync(65_536, ct);
        }

        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 1.9, 6);
    }

    [Fact]
    public async Task A_throttled_stream_returns_the_bytes_unchanged_and_takes_them_from_the_bucket()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        var bucket = new TokenBucket(1000, clock, capacity: 1000);
        var data = ChunkTestData.Bytes(1500, 3);
        await using var stream = new ThrottledStream(new MemoryStream(data), bucket);
        var copy = new MemoryStream();

        var copying = stream.CopyToAsync(copy, 100, ct);
        for (var i = 0; i < 20 && !copying.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10, ct);
        }

        await copying.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal(data, copy.ToArray());
        Assert.True(clock.GetUtcNow() - clock.Start >= TimeSpan.FromMilliseconds(500), "1500 bytes through a 1000-byte bucket at 1000 B/s need at least 0.5 s");
    }
}
