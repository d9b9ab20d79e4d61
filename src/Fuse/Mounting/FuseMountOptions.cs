namespace ReplicaFs.Fuse.Mounting;

/// <summary>How a file system is mounted. The defaults suit a multi-user mount served by root.</summary>
public sealed record FuseMountOptions
{
    /// <summary>The source shown in /proc/mounts and df (<c>fsname=</c>).</summary>
    public string FileSystemName { get; init; } = "replicafs";

    /// <summary>The type suffix: the mount shows as <c>fuse.&lt;subtype&gt;</c> (<c>subtype=</c>).</summary>
    public string Subtype { get; init; } = "replicafs";

    /// <summary>Let every user in, not only the mounting one (<c>allow_other</c>).</summary>
    public bool AllowOther { get; init; } = true;

    /// <summary>Let the kernel check permissions from the returned attributes (<c>default_permissions</c>).</summary>
    public bool DefaultPermissions { get; init; } = true;

    /// <summary>
    /// Mount through a fusermount3 watchdog that unmounts when this process dies, even by SIGKILL
    /// (<c>auto_unmount</c>). Needs fusermount3 (package fuse3).
    /// </summary>
    public bool AutoUnmount { get; init; } = true;

    /// <summary>Do not update access times (<c>noatime</c>).</summary>
    public bool NoAtime { get; init; } = true;

    /// <summary>Mount read-only (<c>ro</c>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Trace every request and reply on stderr (libfuse <c>-d</c>).</summary>
    public bool Debug { get; init; }

    /// <summary>Most libfuse worker threads (the loop starts them on demand). Asynchronous replies do not hold one.</summary>
    public int MaxThreads { get; init; } = 10;

    /// <summary>
    /// Background requests the kernel keeps in flight (readahead, async direct I/O); the kernel default of 12
    /// throttles a file system whose replies wait on the network.
    /// </summary>
    public uint MaxBackground { get; init; } = 64;

    /// <summary>
    /// Let the kernel run LOOKUP and READDIR of one directory in parallel. libfuse 3.14 never sends this capability;
    /// the binding patches it into the INIT reply (fuse-interop.md §14.10).
    /// </summary>
    public bool ParallelDirectoryOperations { get; init; } = true;

    /// <summary>How long mounting waits for the kernel's INIT.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Lazily unmount a dead earlier mount ("Transport endpoint is not connected") found on the mount point.</summary>
    public bool RecoverStaleMount { get; init; } = true;

    /// <summary>
    /// Refuse a mount point that holds files. The kernel mounts over them (libfuse 3 dropped <c>nonempty</c>), hiding
    /// them until the unmount: almost always a mistake, such as files written while the mount was down.
    /// </summary>
    public bool RequireEmptyMountPoint { get; init; }

    /// <summary>argv[0] for libfuse (shown in its messages).</summary>
    public string ProgramName { get; init; } = "ReplicaFs.Fuse";
}
