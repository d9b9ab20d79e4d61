using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;
using ReplicaFs.Web.Supervision;
using ReplicaFs.Web.Tests.Fakes;

namespace ReplicaFs.Web.Tests.Cluster;

/// <summary>One card per data server from the metadata server's list and the supervisor's processes.</summary>
public sealed class ServerViewTests
{
    [Fact]
    public void Meta_records_and_local_processes_are_matched_by_url_and_listed_in_the_supervisors_order()
    {
        // Without --name the metadata server names servers by registration order, which differs from data-N.
        var servers = new[] { Snapshots.Server(1) with { Name = "data-1", Url = "http://127.0.0.1:51236" }, Snapshots.Server(2) with { Name = "data-2", Url = "http://127.0.0.1:51235" } };
        var processes = new[]
        {
            Snapshots.Process("meta", 51234, ProcessState.Running),
            Snapshots.Process("data-1", 51235, ProcessState.Running),
            Snapshots.Process("data-2", 51236, ProcessState.Running),
            Snapshots.Process("data-3", 51237, ProcessState.Starting),
        };

        var views = ServerView.Merge(servers, processes);

        Assert.Equal(["data-1", "data-2", "data-3"], views.Select(v => v.Name));
        Assert.Equal(2, views[0].Info!.Id);
        Assert.Equal(1, views[1].Info!.Id);
        Assert.Null(views[2].Info);
        Assert.Equal(ServerStatus.Starting, views[2].Status);
    }

    [Theory]
    [InlineData(ProcessState.Killed, ServerState.Up, ServerStatus.Killed)]
    [InlineData(ProcessState.Exited, ServerState.Up, ServerStatus.Exited)]
    [InlineData(ProcessState.Running, ServerState.Rebuilding, ServerStatus.Rebuilding)]
    [InlineData(ProcessState.Running, ServerState.Down, ServerStatus.Down)]
    [InlineData(ProcessState.Starting, ServerState.Down, ServerStatus.Down)]
    public void A_dead_local_process_wins_over_the_lagging_metadata_server(ProcessState process, ServerState meta, ServerStatus expected)
    {
        var view = new ServerView("data-1", "http://127.0.0.1:51235", Snapshots.Server(1, meta), Snapshots.Process("data-1", 51235, process));

        Assert.Equal(expected, view.Status);
    }

    [Fact]
    public void Remote_servers_are_listed_by_id_with_their_own_names()
    {
        var views = ServerView.Merge([Snapshots.Server(3), Snapshots.Server(1, ServerState.Crashed)], []);

        Assert.Equal(["data-1", "data-3"], views.Select(v => v.Name));
        Assert.Equal(ServerStatus.Crashed, views[0].Status);
        Assert.True(views[0].CanRestore(DashboardMode.Remote));
        Assert.False(views[0].CanKill(DashboardMode.Remote));
        Assert.False(views[0].CanScrub);
        Assert.True(views[1].CanKill(DashboardMode.Remote));
    }
}
