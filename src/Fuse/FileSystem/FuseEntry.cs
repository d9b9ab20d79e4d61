namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// A name resolved to a node: the answer to lookup, mknod, mkdir, symlink, link and create. Every positive entry the
/// kernel receives adds one to the node's lookup count, which <see cref="FuseFileSystem.Forget"/> later takes back.
/// </summary>
/// <param name="NodeId">The kernel's handle for the inode (1 is the root); 0 makes a negative entry.</param>
/// <param name="Generation">Together with <paramref name="NodeId"/> unique for the file system's life.</param>
/// <param name="Attributes">The inode's attributes; they must be right even with a zero timeout.</param>
/// <param name="AttributeTimeout">How long the kernel may cache <paramref name="Attributes"/>.</param>
/// <param name="EntryTimeout">How long the kernel may cache the name (or, for a negative entry, its absence).</param>
public readonly record struct FuseEntry(
    ulong NodeId,
    ulong Generation,
    NodeAttributes Attributes,
    TimeSpan AttributeTimeout,
    TimeSpan EntryTimeout)
{
    /// <summary>Whether this is a negative entry (the name does not exist).</summary>
    public bool IsNegative => NodeId == 0;

    /// <summary>"This name does not exist", cached by the kernel for <paramref name="entryTimeout"/>.</summary>
    public static FuseEntry Negative(TimeSpan entryTimeout) => new(0, 0, default, TimeSpan.Zero, entryTimeout);
}
