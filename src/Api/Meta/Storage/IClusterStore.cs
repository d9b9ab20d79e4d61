using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Meta.Storage;

/// <summary>Cluster settings, the chunk version counter and the data servers.</summary>
internal interface IClusterStore
{
    /// <summary>The settings, or null before the cluster is created.</summary>
    ClusterSettings? GetSettings();

    /// <summary>Stores the settings of a new cluster and starts the version counter.</summary>
    void CreateSettings(ClusterSettings settings);

    /// <summary>Hands out <paramref name="count"/> consecutive chunk versions, never handed out before; returns the first.</summary>
    long ReserveVersions(int count);

    /// <summary>A data server, or null.</summary>
    ServerRecord? GetServer(int id);

    /// <summary>A data server by its normalized URL, or null.</summary>
    ServerRecord? FindServer(string url);

    /// <summary>Every data server, by id.</summary>
    IReadOnlyList<ServerRecord> ListServers();

    /// <summary>Adds a data server; returns it with its new id.</summary>
    ServerRecord AddServer(string url, string instanceId, ServerState state, DateTimeOffset time, DataServerStats stats);

    /// <summary>Writes a server's instance id, state, last heartbeat and stats.</summary>
    void UpdateServer(ServerRecord server);
}
