using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Events;

/// <summary>How serious an event is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventSeverity>))]
public enum EventSeverity
{
    Info = 0,
    Warning = 1,
    Error = 2,
}

/// <summary>An entry of the cluster's append-only event log.</summary>
/// <param name="Id">Increasing id; pass as <c>after</c> to read newer events.</param>
/// <param name="Time">When it was recorded.</param>
/// <param name="Kind">What happened (see <see cref="EventKinds"/>).</param>
/// <param name="Severity">Info, warning or error.</param>
/// <param name="Message">A sentence for humans.</param>
/// <param name="Source">Who reported it ("meta", "data-2", "client:host/pid").</param>
/// <param name="ServerId">The data server concerned, if any.</param>
/// <param name="Ino">The file concerned, if any.</param>
/// <param name="ChunkId">The chunk concerned, if any.</param>
/// <param name="Path">The file's path when known.</param>
public sealed record ClusterEvent(long Id, DateTimeOffset Time, string Kind, EventSeverity Severity, string Message, string Source, int? ServerId, long? Ino, long? ChunkId, string? Path);

/// <summary>A page of events, oldest first.</summary>
/// <param name="Events">The events.</param>
/// <param name="LastId">Id of the newest event in the log (to poll from).</param>
public sealed record EventPage(IReadOnlyList<ClusterEvent> Events, long LastId);

/// <summary>An event reported by a client or a data server.</summary>
public sealed record NewEvent([property: Required] string Kind, EventSeverity Severity, [property: Required] string Message, [property: Required] string Source, int? ServerId = null, long? Ino = null, long? ChunkId = null);
