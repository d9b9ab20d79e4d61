using Microsoft.Extensions.Time.Testing;
using ReplicaFs.Api.Meta.Cluster;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>The down decision on a fake clock.</summary>
public sealed class HeartbeatTrackerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_server_is_silent_only_after_the_timeout()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var tracker = new HeartbeatTracker(clock, Timeout);
        tracker.Seen(1);
        tracker.Seen(2);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(tracker.SilentServers());
        Assert.False(tracker.IsSilent(1));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 2], tracker.SilentServers());
        Assert.Equal(TimeSpan.FromMilliseconds(5001), tracker.SilenceOf(1));
    }

    [Fact]
    public void A_heartbeat_resets_the_silence_and_forgotten_servers_are_not_tracked()
    {
        var clock = new FakeTimeProvider();
        var tracker = new HeartbeatTracker(clock, Timeout);
        tracker.Seen(1);
        tracker.Seen(2);
        tracker.Seen(3);

        clock.Advance(TimeSpan.FromSeconds(4));
        tracker.Seen(2);
        tracker.Forget(3);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([1], tracker.SilentServers());
        Assert.False(tracker.IsSilent(2));
        Assert.Null(tracker.SilenceOf(3));
        Assert.False(tracker.IsSilent(3));
    }
}
