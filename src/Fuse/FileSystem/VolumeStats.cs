namespace ReplicaFs.Fuse.FileSystem;

/// <summary>The answer to statfs (<c>struct statvfs</c>; the block counts are in <see cref="FragmentSize"/> units).</summary>
public readonly record struct VolumeStats
{
    /// <summary>The libfuse default for a file system without statfs: 512-byte blocks, 255-byte names, all counts 0.</summary>
    public static VolumeStats Default { get; } = new() { BlockSize = 512, MaxNameLength = 255 };

    public ulong BlockSize { get; init; }

    public ulong FragmentSize { get; init; }

    public ulong Blocks { get; init; }

    public ulong FreeBlocks { get; init; }

    /// <summary>Free blocks available to unprivileged users.</summary>
    public ulong AvailableBlocks { get; init; }

    public ulong Files { get; init; }

    public ulong FreeFiles { get; init; }

    public ulong MaxNameLength { get; init; }
}
