namespace ReplicaFs.Contracts.Posix;

/// <summary>The <c>st_mode</c> bits of Linux, as used in inode attributes.</summary>
public static class PosixMode
{
    public const uint TypeMask = 0xF000;      // S_IFMT  0170000
    public const uint Directory = 0x4000;     // S_IFDIR 0040000
    public const uint RegularFile = 0x8000;   // S_IFREG 0100000
    public const uint Symlink = 0xA000;       // S_IFLNK 0120000
    public const uint PermissionMask = 0xFFF; // 07777: rwx for u/g/o plus setuid, setgid, sticky
    public const uint SetUid = 0x800;         // 04000
    public const uint SetGid = 0x400;         // 02000
    public const uint Sticky = 0x200;         // 01000

    /// <summary>The type bits that belong to <paramref name="kind"/>.</summary>
    public static uint TypeBits(FileKind kind) => kind switch
    {
        FileKind.Directory => Directory,
        FileKind.Symlink => Symlink,
        _ => RegularFile,
    };

    /// <summary>A full <c>st_mode</c>: the kind's type bits plus the permission bits of <paramref name="mode"/>.</summary>
    public static uint Make(FileKind kind, uint mode) => TypeBits(kind) | (mode & PermissionMask);
}
