using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Cluster;

/// <summary>Rates derived from the cumulative counters the data servers report in their heartbeats.</summary>
public sealed class ActivityHistoryTests
{
    private static readonly DateTimeOffset T0 = Snapshots.Now;

    [Fact]
    public void Rates_are_counter_changes_over_the_time_between_heartbeats_summed_over_servers()
    {
        var history = new ActivityHistory(10, TimeSpan.FromSeconds(10));

        history.Record(T0, [Server(1, T0, 100, 1000, 0), Server(2, T0, 50, 0, 0)], repairs: 0);
        history.Record(T0.AddSeconds(1), [Server(1, T0.AddSeconds(2), 300, 5000, 400), Server(2, T0.AddSeconds(1), 60, 0, 1000)], repairs: 3);

        var point = history.Points[^1];
        Assert.Equal(100 + 10, point.RequestsPerSecond, 3);   // (300-100)/2 s + (60-50)/1 s
        Assert.Equal(2000, point.BytesReadPerSecond, 3);
        Assert.Equal(200 + 1000, point.BytesWrittenPerSecond, 3);
        Assert.Equal(3, point.RepairsPerSecond, 3);
        Assert.True(history.HasServerActivity);
    }

    [Fact]
    public void A_rate_holds_until_the_next_heartbeat_and_a_silent_server_counts_as_idle()
    {
        var history = new ActivityHistory(10, TimeSpan.FromSeconds(3));
        history.Record(T0, [Server(1, T0, 0, 0, 0)], 0);
        history.Record(T0.AddSeconds(1), [Server(1, T0.AddSeconds(1), 10, 0, 0)], 0);

        history.Record(T0.AddSeconds(2), [Server(1, T0.AddSeconds(1), 10, 0, 0)], 0);
        Assert.Equal(10, history.Points[^1].RequestsPerSecond, 3);

        history.Record(T0.AddSeconds(6), [Server(1, T0.AddSeconds(1), 10, 0, 0)], 0);
        Assert.Equal(0, history.Points[^1].RequestsPerSecond, 3);
    }

    [Fact]
    public void A_restarted_server_starts_over_without_a_negative_spike()
    {
        var history = new ActivityHistory(10, TimeSpan.FromSeconds(10));
        history.Record(T0, [Server(1, T0, 1000, 0, 0)], 0);
        history.Record(T0.AddSeconds(1), [Server(1, T0.AddSeconds(1), 5, 0, 0, instance: "new")], 0);

        Assert.Equal(0, history.Points[^1].RequestsPerSecond, 3);
    }

    [Fact]
    public void The_buffer_keeps_the_newest_samples_and_a_failed_poll_is_an_idle_sample()
    {
        var history = new ActivityHistory(3, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            history.Record(T0.AddSeconds(i), i == 4 ? null : [Server(1, T0.AddSeconds(i), i * 10, 0, 0)], 0);
        }

        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(3), T0.AddSeconds(4)], history.Points.Select(p => p.Time));
        Assert.Equal(0, history.Points[^1].RequestsPerSecond);
    }

    [Fact]
    public void Servers_without_activity_leave_the_flag_unset()
    {
        var history = new ActivityHistory(3, TimeSpan.FromSeconds(10));
        history.Record(T0, [Snapshots.Server(1)], 0);

        Assert.False(history.HasServerActivity);
        Assert.Single(history.Points);
    }

    private static DataServerInfo Server(int id, DateTimeOffset heartbeat, long requests, long read, long written, string? instance = null) =>
        Snapshots.Server(id, activity: new ServerActivity(requests, read, written, 1, null, null, 0)) with
        {
            LastHeartbeat = heartbeat,
            InstanceId = instance ?? $"instance-{id}",
        };
}
