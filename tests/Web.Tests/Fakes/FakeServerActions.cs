using ReplicaFs.Web.Actions;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>Records the actions the UI asked for; answers with a message, or fails when <see cref="Failure"/> is set.</summary>
public sealed class FakeServerActions(DashboardMode mode) : IServerActions
{
    public DashboardMode Mode { get; set; } = mode;

    public List<string> Calls { get; } = [];

    public string? Failure { get; set; }

    public Task<string> KillAsync(ServerView server, CancellationToken cancellationToken) => Answer($"kill {server.Name}");

    public Task<string> RestoreAsync(ServerView server, CancellationToken cancellationToken) => Answer($"restore {server.Name}");

    public Task<string> ScrubAsync(ServerView server, CancellationToken cancellationToken) => Answer($"scrub {server.Name}");

    public Task<string> CorruptAsync(string serverUrl, string serverName, long chunkId, long version, CancellationToken cancellationToken) =>
        Answer($"corrupt {serverName} chunk {chunkId} v{version}");

    private Task<string> Answer(string call)
    {
        Calls.Add(call);
        return Failure is { } failure
            ? Task.FromException<string>(new DashboardActionException($"{call} failed: {failure}"))
            : Task.FromResult($"done: {call}");
    }
}
