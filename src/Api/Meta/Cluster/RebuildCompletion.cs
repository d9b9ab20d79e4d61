using System.Globalization;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Api.Meta.Cluster;

/// <summary>A rebuilding server whose replicas of committed chunks are no longer missing or rebuilding is up again.</summary>
internal static class RebuildCompletion
{
    /// <summary>
    /// If <paramref name="server"/> is rebuilding and has nothing left to rebuild, returns it as up (not yet written)
    /// and appends the <c>server.up</c> event saying how many replicas it rebuilt; otherwise returns it unchanged.
    /// </summary>
    public static ServerRecord FinishIfDone(IMetaTransaction tx, ServerRecord server, DateTimeOffset now)
    {
        if (server.State != ServerState.Rebuilding || tx.Chunks.CountReplicasToRebuild(server.Id) > 0)
        {
            return server;
        }

        tx.Events.Append(new NewEventRecord(now, EventKinds.ServerUp, EventSeverity.Info,
            $"{server.Name} ({server.Url}) finished rebuilding and is up, rebuilt: {Replicas(server.RebuiltReplicas)}; none of its replicas is missing any more.",
            "meta", ServerId: server.Id));
        return server.InState(ServerState.Up, now);
    }

    /// <summary>"1 replica", "12 replicas".</summary>
    public static string Replicas(long count) =>
        count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " replica" : " replicas");
}
