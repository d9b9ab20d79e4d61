using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>
/// Atomic rename (Linux <c>renameat2</c>): replace, no-replace and exchange. Entries keep their cookies; a
/// replaced target loses a link exactly as in unlink.
/// </summary>
internal sealed class RenameService(IMetaDatabase database, TimeProvider clock)
{
    /// <summary>Renames <see cref="RenameRequest.Name"/> in <see cref="RenameRequest.Parent"/> to <see cref="RenameRequest.NewName"/> in <see cref="RenameRequest.NewParent"/>.</summary>
    public Task RenameAsync(RenameRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = NamespaceLookups.ValidName(request.Name);
        var newName = NamespaceLookups.ValidName(request.NewName);
        if (!Enum.IsDefined(request.Mode))
        {
            throw new PosixException(Errno.EINVAL, "'mode' must be Replace, NoReplace or Exchange.");
        }

        return database.WriteAsync(tx =>
        {
            Apply(tx, request, name, newName);
            return true;
        }, cancellationToken);
    }

    private void Apply(IMetaTransaction tx, RenameRequest request, string name, string newName)
    {
        var sourceDir = tx.RequireDirectory(request.Parent);
        var targetDir = request.NewParent == request.Parent ? sourceDir : tx.RequireDirectory(request.NewParent);
        var (sourceEntry, source) = tx.RequireEntry(sourceDir, name);
        var targetEntry = tx.Namespace.GetEntry(targetDir.Ino, newName);
        var target = targetEntry is null ? null : tx.RequireInode(targetEntry.Ino);

        if (request.Mode == RenameMode.NoReplace && targetEntry is not null)
        {
            throw new PosixException(Errno.EEXIST, $"'{newName}' already exists.");
        }

        // Renaming an entry onto itself, or onto another link of the same inode, does nothing (POSIX).
        if (target is not null && target.Ino == source.Ino)
        {
            return;
        }

        var now = Timestamp.Now(clock);
        if (request.Mode == RenameMode.Exchange)
        {
            if (targetEntry is null || target is null)
            {
                throw new PosixException(Errno.ENOENT, $"'{newName}' does not exist; an exchange needs both names.");
            }

            Exchange(tx, sourceDir, sourceEntry, source, targetDir, targetEntry, target, now);
        }
        else
        {
            Move(tx, request.KeepOrphan, sourceDir, sourceEntry, source, targetDir, newName, targetEntry, target, now);
        }
    }

    private void Move(
        IMetaTransaction tx,
        bool keepOrphan,
        InodeRecord sourceDir,
        EntryRecord sourceEntry,
        InodeRecord source,
        InodeRecord targetDir,
        string newName,
        EntryRecord? targetEntry,
        InodeRecord? target,
        Timestamp now)
    {
        if (source.IsDirectory)
        {
            RequireOutsideSubtree(tx, source.Ino, targetDir.Ino);
        }

        var targetDirLinks = 0;
        if (targetEntry is not null && target is not null)
        {
            if (source.IsDirectory && !target.IsDirectory)
            {
                throw new PosixException(Errno.ENOTDIR, $"Cannot replace the non-directory '{newName}' with a directory.");
            }

            if (!source.IsDirectory && target.IsDirectory)
            {
                throw new PosixException(Errno.EISDIR, $"Cannot replace the directory '{newName}' with a non-directory.");
            }

            if (target.IsDirectory && tx.Namespace.HasEntries(target.Ino))
            {
                throw new PosixException(Errno.ENOTEMPTY, $"Directory '{newName}' is not empty.");
            }

            tx.Namespace.RemoveEntry(targetEntry.Cookie);
            if (target.IsDirectory)
            {
                InodeLifecycle.Delete(tx, target.Ino, "directory replaced by rename", clock.GetUtcNow());
                targetDirLinks--;
            }
            else
            {
                InodeLifecycle.DropLink(tx, target, keepOrphan, now, clock.GetUtcNow());
            }
        }

        tx.Namespace.MoveEntry(sourceEntry.Cookie, targetDir.Ino, newName);
        tx.Namespace.UpdateInode(source with { Ctime = now });

        var sourceDirLinks = 0;
        if (source.IsDirectory && sourceDir.Ino != targetDir.Ino)
        {
            sourceDirLinks--;
            targetDirLinks++;
        }

        TouchParents(tx, sourceDir, sourceDirLinks, targetDir, targetDirLinks, now);
    }

    private static void Exchange(
        IMetaTransaction tx,
        InodeRecord sourceDir,
        EntryRecord sourceEntry,
        InodeRecord source,
        InodeRecord targetDir,
        EntryRecord targetEntry,
        InodeRecord target,
        Timestamp now)
    {
        if (source.IsDirectory)
        {
            RequireOutsideSubtree(tx, source.Ino, targetDir.Ino);
        }

        if (target.IsDirectory)
        {
            RequireOutsideSubtree(tx, target.Ino, sourceDir.Ino);
        }

        tx.Namespace.RetargetEntry(sourceEntry.Cookie, target.Ino);
        tx.Namespace.RetargetEntry(targetEntry.Cookie, source.Ino);
        tx.Namespace.UpdateInode(source with { Ctime = now });
        tx.Namespace.UpdateInode(target with { Ctime = now });

        // The source directory now holds the target inode and vice versa.
        var sourceDirLinks = 0;
        if (sourceDir.Ino != targetDir.Ino)
        {
            sourceDirLinks = (target.IsDirectory ? 1 : 0) - (source.IsDirectory ? 1 : 0);
        }

        TouchParents(tx, sourceDir, sourceDirLinks, targetDir, -sourceDirLinks, now);
    }

    /// <summary>EINVAL when <paramref name="directory"/> is <paramref name="moved"/> or inside it.</summary>
    private static void RequireOutsideSubtree(IMetaTransaction tx, long moved, long directory)
    {
        var current = directory;
        for (var depth = 0; depth <= FileNames.MaxPathBytes; depth++)
        {
            if (current == moved)
            {
                throw new PosixException(Errno.EINVAL, "A directory cannot be moved into itself or one of its subdirectories.");
            }

            if (current == NamespaceLimits.RootIno)
            {
                return;
            }

            current = tx.Namespace.FindEntryOf(current)?.Parent ?? NamespaceLimits.RootIno;
        }
    }

    private static void TouchParents(IMetaTransaction tx, InodeRecord sourceDir, int sourceDirLinks, InodeRecord targetDir, int targetDirLinks, Timestamp now)
    {
        if (sourceDir.Ino == targetDir.Ino)
        {
            tx.Namespace.UpdateInode(sourceDir with { Nlink = sourceDir.Nlink + sourceDirLinks + targetDirLinks, Mtime = now, Ctime = now });
            return;
        }

        tx.Namespace.UpdateInode(sourceDir with { Nlink = sourceDir.Nlink + sourceDirLinks, Mtime = now, Ctime = now });
        tx.Namespace.UpdateInode(targetDir with { Nlink = targetDir.Nlink + targetDirLinks, Mtime = now, Ctime = now });
    }
}
