using System.ComponentModel.DataAnnotations;

namespace ReplicaFs.Contracts.Cluster;

/// <summary>A data server introduces itself to the metadata server (on start and after the metadata server restarts).</summary>
/// <param name="Url">Base URL where the data server is reachable; it identifies the server.</param>
/// <param name="InstanceId">Random id of its data directory, created with the directory. A different id for a known URL means the server came back empty.</param>
/// <param name="Stats">Storage figures.</param>
/// <param name="Name">Display name chosen by the operator (e.g. "data-2", the name of its state directory); meta uses "data-{id}" when null. Names are unique in a cluster.</param>
public sealed record RegisterRequest([property: Required] string Url, [property: Required] string InstanceId, DataServerStats Stats, string? Name = null);

/// <summary>The metadata server's answer to a registration.</summary>
/// <param name="ServerId">Stable id of this server (by URL).</param>
/// <param name="Config">Cluster settings.</param>
/// <param name="CameBackEmpty">The server was known with another instance id: its chunks are marked missing and must be rebuilt.</param>
public sealed record RegisterResponse(int ServerId, ClusterConfig Config, bool CameBackEmpty);

/// <summary>A periodic sign of life from a data server.</summary>
/// <param name="InstanceId">Its instance id; a mismatch makes the metadata server ask it to register again.</param>
/// <param name="Stats">Storage figures.</param>
/// <param name="Activity">Request rates, latency, rebuild and scrub progress.</param>
/// <param name="Crashed">The server is in the injected crashed state: it holds no data and serves nothing until restored; meta marks it Crashed and its replicas Missing.</param>
public sealed record HeartbeatRequest([property: Required] string InstanceId, DataServerStats Stats, ServerActivity? Activity = null, bool Crashed = false);

/// <summary>The answer to a heartbeat.</summary>
/// <param name="State">The state the metadata server has for the server.</param>
/// <param name="ReRegister">The metadata server does not know this instance: register again.</param>
public sealed record HeartbeatResponse(ServerState State, bool ReRegister);

/// <summary>A data server as the metadata server sees it.</summary>
/// <param name="Id">Stable server id.</param>
/// <param name="Name">Display name, "data-{Id}".</param>
/// <param name="Url">Base URL.</param>
/// <param name="State">Up, down, crashed or rebuilding.</param>
/// <param name="InstanceId">Current instance id.</param>
/// <param name="RegisteredAt">First registration.</param>
/// <param name="LastHeartbeat">Last heartbeat or registration.</param>
/// <param name="Stats">Storage figures from the last heartbeat.</param>
/// <param name="ReplicaCount">Chunk replicas the metadata server assigns to it.</param>
/// <param name="Activity">What the server reported in its last heartbeat: request rates, latency, rebuild and scrub progress.</param>
public sealed record DataServerInfo(int Id, string Name, string Url, ServerState State, string InstanceId, DateTimeOffset RegisteredAt, DateTimeOffset LastHeartbeat, DataServerStats Stats, long ReplicaCount, ServerActivity? Activity = null);
