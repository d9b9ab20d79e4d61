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

    /// <summary>A data server by name (case-insensitive), or null.</summary>
    ServerRecord? FindServerByName(string name);

    /// <summary>The name of every data server, by id (for messages).</summary>
    IReadOnlyDictionary<int, string> ServerNames();

    /// <summary>
    /// Adds a data server; returns it with its new id. Without a <paramref name="name"/> the row has none until
    /// <see cref="UpdateServer"/> writes one (the record shows the default name meanwhile).
    /// </summary>
    ServerRecord AddServer(string url, string? name, string instanceId, ServerState state, DateTimeOffset time, DataServerStats stats);

    /// <summary>Writes a server's name, instance id, state (and since when), last heartbeat, stats and rebuild count.</summary>
    void UpdateServer(ServerRecord server);
}
