using System.Text.Json.Serialization;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>The contents of <c>format.json</c>, written once when a data directory is created.</summary>
/// <param name="Format">The layout version of the directory (see docs/on-disk-format.md).</param>
/// <param name="InstanceId">Random id of this copy of the data; a server restarted with an empty directory gets a new one.</param>
/// <param name="CreatedAt">When the directory was created.</param>
internal sealed record DataDirectoryFormat(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("instanceId")] string InstanceId,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt)
{
    /// <summary>The directory layout this code reads and writes.</summary>
    public const int CurrentFormat = 1;
}
