using System.Net;

namespace ReplicaFs.Api.Hosting;

/// <summary>Options every server role shares.</summary>
public abstract record CommonServerOptions
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Address to bind; loopback unless told otherwise.</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;

    /// <summary>Directory holding the server's persistent state.</summary>
    public required DirectoryInfo DataDir { get; init; }

    /// <summary>Bearer token for admin and fault endpoints; null disables them.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Whether fault-injection endpoints exist.</summary>
    public bool EnableFaults { get; init; }

    /// <summary>Shared secret every API call must carry when set (required to listen beyond loopback).</summary>
    public string? ClusterToken { get; init; }
}
