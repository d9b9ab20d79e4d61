using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.FileSystem;

/// <summary>
/// An inode-based file system served through the FUSE low-level API. Override what the file system supports;
/// everything else answers ENOSYS, except where libfuse itself would succeed (open, opendir, release, releasedir,
/// statfs, access, forget).
/// <para>
/// Rules every implementation follows:
/// <list type="bullet">
/// <item>Node ids are the kernel's handles: 1 is the root. One node id per inode, so hard links share it.</item>
/// <item>Every positive <see cref="FuseEntry"/> returned (lookup, mknod, mkdir, symlink, link, create, and each
/// counted readdirplus entry) adds one to the node's lookup count; <see cref="Forget"/> subtracts. Keep a node
/// (even with nlink 0) while its count is above zero. The count is raised when you return, before the reply
/// reaches the kernel; the binding calls <see cref="Forget"/> itself if the reply could not be delivered.</item>
/// <item>Names and data passed as <see cref="ReadOnlyMemory{T}"/> or <see cref="Memory{T}"/> belong to the request:
/// copy what you keep, and do not touch them after the returned task completes.</item>
/// <item>Return errors as <see cref="Errno"/>. An exception becomes EIO (and is logged); it never reaches libfuse.</item>
/// <item>Methods may complete synchronously (answers from memory) or later (the reply is sent when the task
/// completes, from whatever thread completes it). Never access the mount point from inside a method.</item>
/// </list>
/// </para>
/// </summary>
public abstract class FuseFileSystem
{
    /// <summary>Connection set-up (INIT), before any request. Adjust <paramref name="connection"/> if needed.</summary>
    public virtual void Init(ConnectionSettings connection)
    {
    }

    /// <summary>The session is being destroyed (after unmount); no more requests follow.</summary>
    public virtual void Destroy()
    {
    }

    /// <summary>Resolves <paramref name="name"/> in directory <paramref name="parent"/>. Answer a negative entry
    /// (<see cref="FuseEntry.Negative"/>) to let the kernel cache the absence, or ENOENT.</summary>
    public virtual ValueTask<FuseResult<FuseEntry>> LookupAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name) =>
        NotImplemented<FuseEntry>();

    /// <summary>The kernel dropped <paramref name="count"/> lookups of <paramref name="nodeId"/> (no reply). Unmount sends none.</summary>
    public virtual void Forget(RequestContext context, ulong nodeId, ulong count)
    {
    }

    /// <summary>Attributes of a node; <paramref name="handle"/> is set for fstat-like calls.</summary>
    public virtual ValueTask<FuseResult<TimedAttributes>> GetAttributesAsync(RequestContext context, ulong nodeId, ulong? handle) =>
        NotImplemented<TimedAttributes>();

    /// <summary>chmod, chown, truncate, utimens: apply the flagged fields and answer with the complete new attributes.</summary>
    public virtual ValueTask<FuseResult<TimedAttributes>> SetAttributesAsync(RequestContext context, ulong nodeId, AttributeChanges changes) =>
        NotImplemented<TimedAttributes>();

    /// <summary>The target of a symlink.</summary>
    public virtual ValueTask<FuseResult<ReadOnlyMemory<byte>>> ReadLinkAsync(RequestContext context, ulong nodeId) =>
        NotImplemented<ReadOnlyMemory<byte>>();

    /// <summary>Creates a non-directory node (the kernel uses it for regular files when create is not implemented).</summary>
    /// <param name="context">The caller.</param>
    /// <param name="parent">The directory.</param>
    /// <param name="name">The new name.</param>
    /// <param name="mode">Type and permission bits, already masked with the caller's umask.</param>
    /// <param name="rdev">Device number for device nodes.</param>
    public virtual ValueTask<FuseResult<FuseEntry>> MakeNodeAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, ulong rdev) =>
        NotImplemented<FuseEntry>();

    /// <summary>Creates a directory; <paramref name="mode"/> is already umasked and may lack S_IFDIR.</summary>
    public virtual ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode) =>
        NotImplemented<FuseEntry>();

    /// <summary>Removes a non-directory name.</summary>
    public virtual ValueTask<Errno> UnlinkAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name) =>
        NotImplemented();

    /// <summary>Removes an empty directory.</summary>
    public virtual ValueTask<Errno> RemoveDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name) =>
        NotImplemented();

    /// <summary>Creates a symlink <paramref name="name"/> in <paramref name="parent"/> pointing to <paramref name="target"/>.</summary>
    public virtual ValueTask<FuseResult<FuseEntry>> SymlinkAsync(RequestContext context, ReadOnlyMemory<byte> target, ulong parent, ReadOnlyMemory<byte> name) =>
        NotImplemented<FuseEntry>();

    /// <summary>Renames (or with <see cref="RenameOptions.Exchange"/> swaps) a name.</summary>
    public virtual ValueTask<Errno> RenameAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, ulong newParent, ReadOnlyMemory<byte> newName, RenameOptions flags) =>
        NotImplemented();

    /// <summary>Creates a hard link to <paramref name="nodeId"/>; answer the same node id (one lookup).</summary>
    public virtual ValueTask<FuseResult<FuseEntry>> LinkAsync(RequestContext context, ulong nodeId, ulong newParent, ReadOnlyMemory<byte> newName) =>
        NotImplemented<FuseEntry>();

    /// <summary>Opens a file. O_TRUNC arrives here (atomic O_TRUNC). Default: handle 0.</summary>
    public virtual ValueTask<FuseResult<OpenedHandle>> OpenAsync(RequestContext context, ulong nodeId, OpenOptions flags) =>
        new(new OpenedHandle(0));

    /// <summary>Reads into <paramref name="buffer"/> (the requested size) and answers the byte count; fewer than
    /// requested means end of file, unless the file was opened with direct I/O.</summary>
    public virtual ValueTask<FuseResult<int>> ReadAsync(RequestContext context, ulong nodeId, ulong handle, long offset, Memory<byte> buffer) =>
        NotImplemented<int>();

    /// <summary>Writes <paramref name="data"/> and answers the byte count (all of it, unless direct I/O).</summary>
    public virtual ValueTask<FuseResult<int>> WriteAsync(RequestContext context, ulong nodeId, ulong handle, long offset, ReadOnlyMemory<byte> data) =>
        NotImplemented<int>();

    /// <summary>On every close() of a descriptor (maybe several per open, maybe none). ENOSYS: the kernel stops sending it.</summary>
    public virtual ValueTask<Errno> FlushAsync(RequestContext context, ulong nodeId, ulong handle) =>
        NotImplemented();

    /// <summary>The last descriptor of an open is gone (once per successful open or create). The answer is ignored by the kernel.</summary>
    public virtual ValueTask<Errno> ReleaseAsync(RequestContext context, ulong nodeId, ulong handle, OpenOptions flags) =>
        new(Errno.None);

    /// <summary>fsync/fdatasync. ENOSYS: the kernel treats it as success and stops sending it.</summary>
    public virtual ValueTask<Errno> FsyncAsync(RequestContext context, ulong nodeId, ulong handle, bool dataOnly) =>
        NotImplemented();

    /// <summary>Opens a directory. Default: handle 0.</summary>
    public virtual ValueTask<FuseResult<OpenedHandle>> OpenDirectoryAsync(RequestContext context, ulong nodeId, OpenOptions flags) =>
        new(new OpenedHandle(0));

    /// <summary>Lists a directory from <paramref name="offset"/> (0 = start) into <paramref name="buffer"/>.</summary>
    public virtual ValueTask<Errno> ReadDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer) =>
        NotImplemented();

    /// <summary>
    /// Lists a directory with full entries (saves a LOOKUP per name for <c>ls -l</c>). Only used when overridden;
    /// see <see cref="DirectoryBuffer.IsPlus"/> for the lookup counting it implies.
    /// </summary>
    public virtual ValueTask<Errno> ReadDirectoryPlusAsync(RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer) =>
        NotImplemented();

    /// <summary>The last descriptor of an opened directory is gone.</summary>
    public virtual ValueTask<Errno> ReleaseDirectoryAsync(RequestContext context, ulong nodeId, ulong handle) =>
        new(Errno.None);

    /// <summary>fsync on a directory. ENOSYS: the kernel treats it as success and stops sending it.</summary>
    public virtual ValueTask<Errno> FsyncDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, bool dataOnly) =>
        NotImplemented();

    /// <summary>File-system statistics (df). Default: libfuse's (512-byte blocks, 255-byte names, zero counts).</summary>
    public virtual ValueTask<FuseResult<VolumeStats>> StatFsAsync(RequestContext context, ulong nodeId) =>
        new(VolumeStats.Default);

    /// <summary>Sets an extended attribute.</summary>
    public virtual ValueTask<Errno> SetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, ReadOnlyMemory<byte> value, XattrOptions flags) =>
        NotImplemented();

    /// <summary>
    /// Gets an extended attribute: answer its full length and copy it into <paramref name="buffer"/> if it fits.
    /// An empty buffer is a size probe. The binding answers ERANGE when the length exceeds a non-empty buffer.
    /// A missing attribute is ENODATA.
    /// </summary>
    public virtual ValueTask<FuseResult<int>> GetXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name, Memory<byte> buffer) =>
        NotImplemented<int>();

    /// <summary>Lists extended attribute names, each NUL-terminated; same size rules as <see cref="GetXattrAsync"/>.</summary>
    public virtual ValueTask<FuseResult<int>> ListXattrAsync(RequestContext context, ulong nodeId, Memory<byte> buffer) =>
        NotImplemented<int>();

    /// <summary>Removes an extended attribute (ENODATA when missing).</summary>
    public virtual ValueTask<Errno> RemoveXattrAsync(RequestContext context, ulong nodeId, ReadOnlyMemory<byte> name) =>
        NotImplemented();

    /// <summary>access(2). Not called when mounted with default_permissions; default: allowed.</summary>
    public virtual ValueTask<Errno> AccessAsync(RequestContext context, ulong nodeId, int mask) =>
        new(Errno.None);

    /// <summary>Creates and opens a regular file. ENOSYS: the kernel falls back to mknod + open.</summary>
    public virtual ValueTask<FuseResult<CreatedFile>> CreateAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, OpenOptions flags) =>
        NotImplemented<CreatedFile>();

    /// <summary>fallocate(2). ENOSYS: the kernel answers EOPNOTSUPP from then on.</summary>
    public virtual ValueTask<Errno> FallocateAsync(RequestContext context, ulong nodeId, ulong handle, int mode, long offset, long length) =>
        NotImplemented();

    private static ValueTask<FuseResult<T>> NotImplemented<T>() => new(new FuseResult<T>(Errno.ENOSYS));

    private static ValueTask<Errno> NotImplemented() => new(Errno.ENOSYS);
}
