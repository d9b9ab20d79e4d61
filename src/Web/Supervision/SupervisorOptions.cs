namespace ReplicaFs.Web.Supervision;

/// <summary>How <c>ReplicaFs.Web supervise</c> runs a local cluster.</summary>
public sealed record SupervisorOptions
{
    /// <summary>The state directory (holds cluster.conf, run, logs/, meta/, data-N/).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The server executable (<c>ReplicaFs.Api.dll</c>), both roles.</summary>
    public required string ApiDll { get; init; }

    /// <summary>The FUSE client executable (<c>ReplicaFs.Fuse.dll</c>), needed only when a mount is configured.</summary>
    public string? FuseDll { get; init; }

    /// <summary>How many of the recorded data servers to start (all when null).</summary>
    public int? DataServers { get; init; }

    /// <summary>The admin token every server and the supervisor API use.</summary>
    public required string AdminToken { get; init; }

    /// <summary>How long start-up (meta, data servers registered, mount) may take in total.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a process may take to exit after SIGTERM before it gets SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The dotnet host that runs the servers (the one running the supervisor).</summary>
    public string DotnetPath { get; init; } = DefaultDotnet();

    /// <summary>Where each process's output goes.</summary>
    public string LogDirectory => Path.Combine(StateDirectory, "logs");

    private static string DefaultDotnet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
