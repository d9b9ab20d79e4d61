using System.Text;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>Namespace operations that create or remove entries: create, mkdir, symlink, link, unlink, rmdir, reclaim.</summary>
internal sealed class NamespaceWriter(IMetaDatabase database, TimeProvider clock)
{
    /// <summary>
    /// Creates a regular file. With <see cref="CreateFileRequest.Exclusive"/> false an existing regular file of that
    /// name is returned instead (Created = false); an existing directory is EISDIR, anything else EEXIST.
    /// </summary>
    public Task<(InodeAttributes Attributes, bool Created)> CreateFileAsync(long parent, CreateFileRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NamespaceLookups.ValidName(request.Name);
        var uid = Ownership.ValidId(request.Uid, "uid");
        var gid = Ownership.ValidId(request.Gid, "gid");
        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            if (tx.Namespace.GetEntry(directory.Ino, name) is { } existing)
            {
                var inode = tx.RequireInode(existing.Ino);
                if (request.Exclusive)
                {
                    throw new PosixException(Errno.EEXIST, $"'{name}' already exists.");
                }

                return inode.Kind switch
                {
                    FileKind.File => (inode.ToAttributes(), false),
                    FileKind.Directory => throw new PosixException(Errno.EISDIR, $"'{name}' is a directory."),
                    _ => throw new PosixException(Errno.EEXIST, $"'{name}' exists and is not a regular file."),
                };
            }

            var created = AddInode(tx, directory, name, FileKind.File, request.Mode, uid, gid, size: 0, target: null);
            return (created.ToAttributes(), true);
        }, cancellationToken);
    }

    /// <summary>Creates a directory (nlink 2; the parent gains a link).</summary>
    public Task<InodeAttributes> MakeDirectoryAsync(long parent, MakeDirectoryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NamespaceLookups.ValidName(request.Name);
        var uid = Ownership.ValidId(request.Uid, "uid");
        var gid = Ownership.ValidId(request.Gid, "gid");
        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            RequireFree(tx, directory, name);
            if (directory.Nlink >= int.MaxValue)
            {
                throw new PosixException(Errno.EMLINK, $"Directory {parent} has too many subdirectories.");
            }

            return AddInode(tx, directory, name, FileKind.Directory, request.Mode, uid, gid, size: 0, target: null).ToAttributes();
        }, cancellationToken);
    }

    /// <summary>Creates a symbolic link (mode 0777, size = UTF-8 length of the target).</summary>
    public Task<InodeAttributes> CreateSymlinkAsync(long parent, CreateSymlinkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NamespaceLookups.ValidName(request.Name);
        var uid = Ownership.ValidId(request.Uid, "uid");
        var gid = Ownership.ValidId(request.Gid, "gid");
        var target = request.Target;
        if (string.IsNullOrEmpty(target) || target.Contains('\0', StringComparison.Ordinal))
        {
            throw new PosixException(Errno.EINVAL, "A symlink target is required and cannot contain NUL.");
        }

        int length;
        try
        {
            length = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(target);
        }
        catch (EncoderFallbackException)
        {
            throw new PosixException(Errno.EILSEQ, "The symlink target is not valid Unicode.");
        }

        if (length > FileNames.MaxSymlinkTargetBytes)
        {
            throw new PosixException(Errno.ENAMETOOLONG, $"A symlink target is at most {FileNames.MaxSymlinkTargetBytes} bytes.");
        }

        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            RequireFree(tx, directory, name);
            return AddInode(tx, directory, name, FileKind.Symlink, 0x1FF, uid, gid, length, target).ToAttributes();
        }, cancellationToken);
    }

    /// <summary>Adds a hard link to an existing non-directory inode.</summary>
    public Task<InodeAttributes> LinkAsync(long parent, LinkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NamespaceLookups.ValidName(request.Name);
        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            var inode = tx.RequireInode(request.Ino);
            if (inode.IsDirectory)
            {
                throw new PosixException(Errno.EPERM, "Directories cannot be hard-linked.");
            }

            RequireFree(tx, directory, name);
            if (inode.Nlink == 0)
            {
                throw new PosixException(Errno.ENOENT, $"Inode {inode.Ino} was unlinked and cannot get a new name.");
            }

            if (inode.Nlink >= NamespaceLimits.MaxLinks)
            {
                throw new PosixException(Errno.EMLINK, $"Inode {inode.Ino} already has {NamespaceLimits.MaxLinks} links, the maximum.");
            }

            var now = Timestamp.Now(clock);
            tx.Namespace.AddEntry(directory.Ino, name, inode.Ino);
            var linked = inode with { Nlink = inode.Nlink + 1, Ctime = now };
            tx.Namespace.UpdateInode(linked);
            tx.Namespace.UpdateInode(directory with { Mtime = now, Ctime = now });
            return linked.ToAttributes();
        }, cancellationToken);
    }

    /// <summary>
    /// Removes a non-directory entry. The inode loses a link; at zero it is deleted (its chunks queued for garbage
    /// collection) unless <paramref name="keepOrphan"/>, which keeps it until it is reclaimed.
    /// </summary>
    public Task UnlinkAsync(long parent, string? name, bool keepOrphan, CancellationToken cancellationToken)
    {
        var valid = NamespaceLookups.ValidName(name);
        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            var (entry, inode) = tx.RequireEntry(directory, valid);
            if (inode.IsDirectory)
            {
                throw new PosixException(Errno.EISDIR, $"'{valid}' is a directory; use rmdir.");
            }

            var now = Timestamp.Now(clock);
            tx.Namespace.RemoveEntry(entry.Cookie);
            InodeLifecycle.DropLink(tx, inode, keepOrphan, now, clock.GetUtcNow());
            tx.Namespace.UpdateInode(directory with { Mtime = now, Ctime = now });
            return true;
        }, cancellationToken);
    }

    /// <summary>Removes an empty directory.</summary>
    public Task RemoveDirectoryAsync(long parent, string? name, CancellationToken cancellationToken)
    {
        var valid = NamespaceLookups.ValidName(name);
        return database.WriteAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            var (entry, inode) = tx.RequireEntry(directory, valid);
            if (!inode.IsDirectory)
            {
                throw new PosixException(Errno.ENOTDIR, $"'{valid}' is not a directory.");
            }

            if (inode.Ino == NamespaceLimits.RootIno)
            {
                throw new PosixException(Errno.EBUSY, "The root directory cannot be removed.");
            }

            if (tx.Namespace.HasEntries(inode.Ino))
            {
                throw new PosixException(Errno.ENOTEMPTY, $"Directory '{valid}' is not empty.");
            }

            var now = Timestamp.Now(clock);
            tx.Namespace.RemoveEntry(entry.Cookie);
            InodeLifecycle.Delete(tx, inode.Ino, "directory removed", clock.GetUtcNow());
            tx.Namespace.UpdateInode(directory with { Nlink = directory.Nlink - 1, Mtime = now, Ctime = now });
            return true;
        }, cancellationToken);
    }

    /// <summary>Deletes an orphan inode (nlink 0); EBUSY while it still has links, ENOENT if it is gone.</summary>
    public Task ReclaimAsync(long ino, CancellationToken cancellationToken) =>
        database.WriteAsync(tx =>
        {
            var inode = tx.RequireInode(ino);
            if (inode.Ino == NamespaceLimits.RootIno)
            {
                throw new PosixException(Errno.EBUSY, "The root directory cannot be reclaimed.");
            }

            if (inode.Nlink > 0)
            {
                throw new PosixException(Errno.EBUSY, $"Inode {ino} still has {inode.Nlink} link(s); only orphans (nlink 0) are reclaimed.");
            }

            InodeLifecycle.Delete(tx, ino, "orphan reclaimed", clock.GetUtcNow());
            return true;
        }, cancellationToken);

    private static void RequireFree(IMetaTransaction tx, InodeRecord directory, string name)
    {
        if (tx.Namespace.GetEntry(directory.Ino, name) is not null)
        {
            throw new PosixException(Errno.EEXIST, $"'{name}' already exists.");
        }
    }

    private InodeRecord AddInode(IMetaTransaction tx, InodeRecord directory, string name, FileKind kind, uint mode, uint uid, uint gid, long size, string? target)
    {
        var now = Timestamp.Now(clock);
        var (ownerGid, fullMode) = Ownership.ForNewInode(directory, kind, gid, mode);
        var isDirectory = kind == FileKind.Directory;
        var inode = tx.Namespace.CreateInode(new NewInode(kind, fullMode, uid, ownerGid, size, isDirectory ? 2 : 1, now, target));
        tx.Namespace.AddEntry(directory.Ino, name, inode.Ino);
        tx.Namespace.UpdateInode(directory with { Nlink = directory.Nlink + (isDirectory ? 1 : 0), Mtime = now, Ctime = now });
        return inode;
    }
}
