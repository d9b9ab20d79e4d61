using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// What identifies a file's content as of one moment: every change of the content moves the size or the modification
/// time, and every change of the inode at all moves the change time, which no client can set. Equal versions at two
/// opens mean nobody changed the file in between, so the kernel's cached pages are still right.
/// </summary>
internal readonly record struct ContentVersion(long Size, Timestamp Mtime, Timestamp Ctime)
{
    public static ContentVersion Of(InodeAttributes attributes) => new(attributes.Size, attributes.Mtime, attributes.Ctime);
}
