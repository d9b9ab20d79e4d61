namespace ReplicaFs.Testing;

/// <summary>Shape of a <see cref="TestCluster"/>.</summary>
public sealed record ClusterOptions
{
    /// <summary>Number of data servers.</summary>
    public int DataServers { get; init; } = 3;

    /// <summary>Replicas per chunk (R).</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>Bytes per chunk; small by default so that tests cross chunk boundaries cheaply.</summary>
    public int ChunkSize { get; init; } = 256 * 1024;

    /// <summary>Whether data servers expose the fault endpoints.</summary>
    public bool EnableFaults { get; init; } = true;

    /// <summary>The admin token of every server.</summary>
    public string AdminToken { get; init; } = "test-admin-token";

    /// <summary>
    /// The cluster token every server requires on <c>/api</c> calls and sends to the others (<c>--cluster-token</c>); null
    /// for none. The cluster's own clients (<see cref="TestCluster.Http"/>, <see cref="TestCluster.MetaApi"/>, …) carry it.
    /// </summary>
    public string? ClusterToken { get; init; }

    /// <summary>Heartbeat period of data servers.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Silence after which meta marks a data server down.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra arguments for the metadata server.</summary>
    public IReadOnlyList<string> ExtraMetaArguments { get; init; } = [];

    /// <summary>Extra arguments for every data server.</summary>
    public IReadOnlyList<string> ExtraDataArguments { get; init; } = [];

    /// <summary>How long to wait for servers to become ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
