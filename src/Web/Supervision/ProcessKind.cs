using System.Text.Json.Serialization;

namespace ReplicaFs.Web.Supervision;

/// <summary>What a supervised process is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcessKind>))]
public enum ProcessKind
{
    /// <summary>The metadata server.</summary>
    Meta,

    /// <summary>A data server.</summary>
    Data,

    /// <summary>The FUSE mount.</summary>
    Mount,
}
