using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Contracts.Files;

/// <summary>The attributes of one inode, as <c>stat</c> would show them.</summary>
/// <param name="Ino">Inode number; the root directory is 1.</param>
/// <param name="Kind">File, directory or symlink.</param>
/// <param name="Mode">Full <c>st_mode</c>: type bits and permission bits.</param>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Size">Size in bytes (for a symlink, the length of its target).</param>
/// <param name="Nlink">Number of directory entries that point here (directories: 2 + subdirectories).</param>
/// <param name="Atime">Last access.</param>
/// <param name="Mtime">Last modification of the content.</param>
/// <param name="Ctime">Last change of the inode.</param>
/// <param name="Generation">Changes when an inode number is reused, so that (ino, generation) is unique.</param>
public sealed record InodeAttributes(
    long Ino,
    FileKind Kind,
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    int Nlink,
    Timestamp Atime,
    Timestamp Mtime,
    Timestamp Ctime,
    long Generation);
