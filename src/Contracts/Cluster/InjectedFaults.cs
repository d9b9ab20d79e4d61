using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Cluster;

/// <summary>How a data server cut off by fault injection treats connections.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CutOffMode>))]
public enum CutOffMode
{
    /// <summary>Connected: requests are served.</summary>
    Off = 0,

    /// <summary>Every request's connection is dropped at once (the caller sees a reset), and its own calls fail.</summary>
    Reset = 1,

    /// <summary>Requests are held without an answer until the caller gives up (a network that drops packets), and its own calls fail.</summary>
    Silent = 2,
}

/// <summary>Injected latency: every chunk request waits <paramref name="DelayMs"/> milliseconds before it is handled (0 ends it).</summary>
public sealed record LatencyFault(int DelayMs);

/// <summary>Injected full disk: while <paramref name="Full"/>, every chunk write and repair is refused with ENOSPC (507) and nothing is stored.</summary>
public sealed record DiskFullFault(bool Full);

/// <summary>Cuts the data server off the network (<see cref="CutOffMode.Off"/> reconnects it); only the fault endpoints stay reachable.</summary>
public sealed record CutOffFault(CutOffMode Mode);

/// <summary>The faults injected into a data server now.</summary>
/// <param name="LatencyMs">Delay added to every chunk request (0: none).</param>
/// <param name="DiskFull">Whether the disk-full fault is injected.</param>
/// <param name="CutOff">Whether and how the server is cut off.</param>
/// <param name="Crashed">Whether the server is in the crashed state.</param>
/// <param name="NoSpaceSince">Since when writes are refused with ENOSPC, injected or real; null while writes succeed.</param>
public sealed record InjectedFaults(int LatencyMs, bool DiskFull, CutOffMode CutOff, bool Crashed, DateTimeOffset? NoSpaceSince);
