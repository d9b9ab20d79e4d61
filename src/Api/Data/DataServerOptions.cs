using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Data;

/// <summary>Settings of the data server role.</summary>
public sealed record DataServerOptions : CommonServerOptions
{
    /// <summary>Default TCP port (the seed's first data server).</summary>
    public const int DefaultPort = 51235;

    /// <summary>Largest chunk body accepted (the largest chunk size a cluster may use).</summary>
    public const int MaxChunkBytes = 64 * 1024 * 1024;

    /// <summary>Base URL of the metadata server.</summary>
    public required Uri MetaUrl { get; init; }

    /// <summary>URL this server advertises to the metadata server and peers; derived from listen and port when null.</summary>
    public Uri? AdvertiseUrl { get; init; }

    /// <summary>Display name sent to the metadata server (e.g. "data-2"); meta names the server "data-{id}" when null.</summary>
    public string? Name { get; init; }

    /// <summary>Background scrub rate in MB/s (1 MB = 10^6 bytes; 0 disables background scrubbing).</summary>
    public double ScrubRateMBps { get; init; } = 20;

    /// <summary>Rebuild and catch-up rate in MB/s (1 MB = 10^6 bytes); always above 0.</summary>
    public double RebuildRateMBps { get; init; } = 100;

    /// <summary>How often the server asks the metadata server for replicas to copy (besides the triggers).</summary>
    public TimeSpan AssignmentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the garbage collector runs (besides the triggers).</summary>
    public TimeSpan GarbageCollectionInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause between two background scrub passes (and before the first).</summary>
    public TimeSpan ScrubPause { get; init; } = TimeSpan.FromMinutes(10);
}
