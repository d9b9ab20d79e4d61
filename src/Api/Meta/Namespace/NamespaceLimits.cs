using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>The documented limits of the namespace.</summary>
internal static class NamespaceLimits
{
    /// <summary>The root directory's inode number.</summary>
    public const long RootIno = 1;

    /// <summary>Most hard links to one inode (ext4's EXT4_LINK_MAX); one more is EMLINK.</summary>
    public const int MaxLinks = 65_000;

    /// <summary>Largest file size: 1 PiB. Larger sizes and chunk indexes beyond it are refused.</summary>
    public const long MaxFileSize = 1L << 50;

    /// <summary>Longest path accepted by resolve, in UTF-8 bytes (PATH_MAX without the NUL).</summary>
    public const int MaxPathBytes = FileNames.MaxPathBytes - 1;

    /// <summary>Directory entries per page when no limit is given.</summary>
    public const int DefaultReadDirectoryLimit = 1000;

    /// <summary>Largest directory page.</summary>
    public const int MaxReadDirectoryLimit = 5000;

    /// <summary>Longest extended attribute name, in UTF-8 bytes (XATTR_NAME_MAX).</summary>
    public const int MaxAttributeNameBytes = 255;

    /// <summary>Largest extended attribute value (XATTR_SIZE_MAX).</summary>
    public const int MaxAttributeValueBytes = 64 * 1024;

    /// <summary>Block size reported by statfs.</summary>
    public const int StatFsBlockSize = 4096;

    /// <summary>Free inodes reported by statfs: inode numbers are 64-bit, so this is just a large number tools understand.</summary>
    public const long ReportedFreeInodes = 1L << 32;
}
