using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Hosting;

namespace ReplicaFs.Web.Actions;

/// <summary>
/// The buttons of the dashboard. Locally, kill and restore go to the supervisor (a real SIGKILL; a restart with an
/// empty data directory); remotely they use the data server's fault endpoints (crash, restore). Scrub and corrupt use
/// the data server's admin and fault endpoints in both modes. Each returns a sentence saying what was done.
/// </summary>
public interface IServerActions
{
    /// <summary>Local or remote: decides what kill and restore mean.</summary>
    DashboardMode Mode { get; }

    /// <summary>Kills the server (SIGKILL locally, crash fault remotely).</summary>
    /// <exception cref="DashboardActionException">It failed; the message says why.</exception>
    Task<string> KillAsync(ServerView server, CancellationToken cancellationToken);

    /// <summary>Brings the server back empty so that it rebuilds from its peers.</summary>
    /// <exception cref="DashboardActionException">It failed; the message says why.</exception>
    Task<string> RestoreAsync(ServerView server, CancellationToken cancellationToken);

    /// <summary>Starts a scrub pass on the server now.</summary>
    /// <exception cref="DashboardActionException">It failed; the message says why.</exception>
    Task<string> ScrubAsync(ServerView server, CancellationToken cancellationToken);

    /// <summary>Flips bytes of one replica on disk (the seed's corrupt key), without fixing its checksum.</summary>
    /// <exception cref="DashboardActionException">It failed; the message says why.</exception>
    Task<string> CorruptAsync(string serverUrl, string serverName, long chunkId, long version, CancellationToken cancellationToken);
}
