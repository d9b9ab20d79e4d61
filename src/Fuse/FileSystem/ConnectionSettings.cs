namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// The connection parameters negotiated at INIT (<c>struct fuse_conn_info</c>). The mount fills in its defaults
/// before <see cref="FuseFileSystem.Init"/> runs; the file system may change the settable ones. Wanted capabilities the
/// kernel does not offer are dropped (asking for them would abort INIT with EPROTO).
/// </summary>
public sealed class ConnectionSettings
{
    /// <summary>FUSE protocol major version of the kernel.</summary>
    public required uint ProtocolMajor { get; init; }

    /// <summary>FUSE protocol minor version of the kernel.</summary>
    public required uint ProtocolMinor { get; init; }

    /// <summary>What the kernel (and libfuse) can do.</summary>
    public required FuseCapabilities Capable { get; init; }

    /// <summary>What the file system asks for.</summary>
    public FuseCapabilities Want { get; set; }

    /// <summary>Largest WRITE request in bytes (1 MiB when the kernel supports 256 pages); can only be lowered.</summary>
    public uint MaxWrite { get; set; }

    /// <summary>Largest readahead in bytes; can only be lowered.</summary>
    public uint MaxReadahead { get; set; }

    /// <summary>Most background requests (readahead, async direct I/O) in flight; 0 = kernel default (12).</summary>
    public uint MaxBackground { get; set; }

    /// <summary>Background requests at which the kernel reports congestion; 0 = 3/4 of <see cref="MaxBackground"/>.</summary>
    public uint CongestionThreshold { get; set; }

    /// <summary>Timestamp granularity in nanoseconds (0 or 1 = nanoseconds).</summary>
    public uint TimeGranularity { get; set; }
}
