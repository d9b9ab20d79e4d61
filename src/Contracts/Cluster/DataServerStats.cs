namespace ReplicaFs.Contracts.Cluster;

/// <summary>Storage figures a data server reports about itself.</summary>
/// <param name="ChunkCount">Chunk versions stored.</param>
/// <param name="BytesStored">Bytes of chunk data stored.</param>
/// <param name="CapacityBytes">Size of the file system holding the data directory.</param>
/// <param name="FreeBytes">Free space there.</param>
public sealed record DataServerStats(long ChunkCount, long BytesStored, long CapacityBytes, long FreeBytes);

/// <summary>What a data server says about itself at <c>GET /api/stats</c>.</summary>
/// <param name="InstanceId">Random id of its data directory; a new one means the data was lost.</param>
/// <param name="ServerId">Id assigned by the metadata server, once registered.</param>
/// <param name="Url">The URL it advertises.</param>
/// <param name="Crashed">Whether it is in the injected crashed state.</param>
/// <param name="Stats">Storage figures.</param>
/// <param name="Activity">Request rates, latency, rebuild and scrub progress.</param>
public sealed record DataServerStatus(string InstanceId, int? ServerId, string Url, bool Crashed, DataServerStats Stats, ServerActivity? Activity = null);
