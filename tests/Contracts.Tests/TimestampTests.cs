using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Contracts.Tests;

public class TimestampTests
{
    [FsCheck.Xunit.Property]
    public bool Nanoseconds_round_trip(long nanoseconds)
    {
        var t = Timestamp.FromNanoseconds(nanoseconds);
        return t.IsValid && t.TotalNanoseconds == nanoseconds;
    }

    [Fact]
    public void Negative_times_keep_nanoseconds_positive()
    {
        var t = Timestamp.FromNanoseconds(-1);
        Assert.Equal(-1, t.Seconds);
        Assert.Equal(999_999_999, t.Nanoseconds);
    }

    [Fact]
    public void DateTimeOffset_conversion_keeps_100ns_precision()
    {
        var now = new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        Assert.Equal(now, Timestamp.FromDateTimeOffset(now).ToDateTimeOffset());
    }
}
