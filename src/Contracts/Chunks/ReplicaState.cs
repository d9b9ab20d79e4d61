using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Chunks;

/// <summary>What the metadata server believes about one replica of a chunk.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReplicaState>))]
public enum ReplicaState
{
    /// <summary>Holds the committed version.</summary>
    Ok = 0,

    /// <summary>Missed a write: holds an older version or none.</summary>
    Stale = 1,

    /// <summary>Failed verification: its bytes do not hash to the committed checksum.</summary>
    Corrupt = 2,

    /// <summary>Its server lost the data (came back empty) and has not rebuilt this chunk yet.</summary>
    Missing = 3,

    /// <summary>Being copied from a good replica.</summary>
    Rebuilding = 4,
}
