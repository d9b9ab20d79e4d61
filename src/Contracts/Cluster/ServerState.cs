using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Cluster;

/// <summary>The state of a data server as the metadata server tracks it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServerState>))]
public enum ServerState
{
    /// <summary>Heartbeating and serving.</summary>
    Up = 0,

    /// <summary>Missed heartbeats past the timeout.</summary>
    Down = 1,

    /// <summary>Lost its data (fault injection or a restart with an empty data directory); answers 503 until restored.</summary>
    Crashed = 2,

    /// <summary>Back, serving what it has, copying the rest from its peers.</summary>
    Rebuilding = 3,
}
