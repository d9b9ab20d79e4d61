using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Events;

namespace ReplicaFs.Contracts.Api;

/// <summary>The metadata server's view of the cluster: settings, data servers, and the event log.</summary>
public interface IClusterApi
{
    /// <summary>Cluster settings.</summary>
    [Get("/api/cluster/config")]
    Task<ClusterConfig> GetConfigAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers a data server (by URL).</summary>
    [Post("/api/cluster/servers")]
    Task<RegisterResponse> RegisterAsync([Body] RegisterRequest request, CancellationToken cancellationToken = default);

    /// <summary>A data server's heartbeat.</summary>
    [Post("/api/cluster/servers/{serverId}/heartbeat")]
    Task<HeartbeatResponse> HeartbeatAsync(int serverId, [Body] HeartbeatRequest request, CancellationToken cancellationToken = default);

    /// <summary>Every known data server.</summary>
    [Get("/api/cluster/servers")]
    Task<IReadOnlyList<DataServerInfo>> GetServersAsync(CancellationToken cancellationToken = default);

    /// <summary>One data server.</summary>
    [Get("/api/cluster/servers/{serverId}")]
    Task<DataServerInfo> GetServerAsync(int serverId, CancellationToken cancellationToken = default);

    /// <summary>Health summary: status with reasons, counters, the replica matrix, live clients.</summary>
    [Get("/api/cluster/health")]
    Task<ClusterHealth> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Replicas this data server should hold but does not hold in good shape (rebuild, catch-up, repair), fewest live copies first.</summary>
    [Get("/api/cluster/servers/{serverId}/assignments")]
    Task<ReplicaAssignmentPage> GetAssignmentsAsync(int serverId, [Query] int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Which of the offered chunk versions this data server should delete.</summary>
    [Post("/api/cluster/servers/{serverId}/garbage-check")]
    Task<GarbageCheckResponse> CheckGarbageAsync(int serverId, [Body] GarbageCheckRequest request, CancellationToken cancellationToken = default);

    /// <summary>Registers a client session (its quorums).</summary>
    [Post("/api/cluster/clients")]
    Task<ClientSession> RegisterClientAsync([Body] RegisterClientRequest request, CancellationToken cancellationToken = default);

    /// <summary>Renews a client session; 404 when it expired (register again).</summary>
    [Post("/api/cluster/clients/{sessionId}/heartbeat")]
    Task<ClientSession> RenewClientAsync(long sessionId, CancellationToken cancellationToken = default);

    /// <summary>Ends a client session.</summary>
    [Delete("/api/cluster/clients/{sessionId}")]
    Task EndClientAsync(long sessionId, CancellationToken cancellationToken = default);

    /// <summary>Live client sessions.</summary>
    [Get("/api/cluster/clients")]
    Task<IReadOnlyList<ClientSession>> GetClientsAsync(CancellationToken cancellationToken = default);

    /// <summary>Events after an id, oldest first.</summary>
    [Get("/api/events")]
    Task<EventPage> GetEventsAsync([Query] long after = 0, [Query] int? limit = null, [Query] string? kind = null, CancellationToken cancellationToken = default);

    /// <summary>Appends an event reported by a client or data server.</summary>
    [Post("/api/events")]
    Task<ClusterEvent> AddEventAsync([Body] NewEvent newEvent, CancellationToken cancellationToken = default);
}
