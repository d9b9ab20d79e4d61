using System.Text;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>Read-only namespace operations: getattr, lookup, resolve, readdir, readlink, statfs.</summary>
internal sealed class NamespaceReader(IMetaDatabase database, Cluster.ActiveClusterSettings cluster)
{
    /// <summary>Attributes of an inode.</summary>
    public Task<InodeAttributes> GetAttributesAsync(long ino, CancellationToken cancellationToken) =>
        database.ReadAsync(tx => tx.RequireInode(ino).ToAttributes(), cancellationToken);

    /// <summary>
    /// Looks <paramref name="name"/> up in directory <paramref name="parent"/>: null when the directory has no such
    /// name. A miss is the most common answer of a lookup (the kernel looks every new name up before creating it;
    /// shells and compilers probe search paths), so it is an answer, not an exception. A missing or non-directory
    /// parent and an invalid name still throw.
    /// </summary>
    public Task<InodeAttributes?> FindAsync(long parent, string? name, CancellationToken cancellationToken)
    {
        var valid = NamespaceLookups.ValidName(name);
        return database.ReadAsync(tx =>
        {
            var directory = tx.RequireDirectory(parent);
            return tx.Namespace.GetEntry(directory.Ino, valid) is { } entry ? tx.RequireInode(entry.Ino).ToAttributes() : null;
        }, cancellationToken);
    }

    /// <summary>
    /// Resolves an absolute path without following symlinks. "." and ".." are understood (".." of the root is the
    /// root); a trailing slash requires a directory.
    /// </summary>
    public Task<InodeAttributes> ResolveAsync(string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new PosixException(Errno.EINVAL, "A path is required and cannot contain NUL.");
        }

        if (Encoding.UTF8.GetByteCount(path) > NamespaceLimits.MaxPathBytes)
        {
            throw new PosixException(Errno.ENAMETOOLONG, $"The path is longer than {NamespaceLimits.MaxPathBytes} bytes.");
        }

        if (path[0] != '/')
        {
            throw new PosixException(Errno.EINVAL, "Only absolute paths (starting with '/') can be resolved.");
        }

        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var component in components)
        {
            if (component is not "." and not "..")
            {
                FileNames.EnsureValid(component);
            }
        }

        return database.ReadAsync(tx =>
        {
            var current = tx.RequireInode(NamespaceLimits.RootIno);
            foreach (var component in components)
            {
                if (!current.IsDirectory)
                {
                    throw new PosixException(Errno.ENOTDIR, $"A component before '{component}' is not a directory.");
                }

                current = component switch
                {
                    "." => current,
                    ".." => tx.RequireInode(tx.ParentOf(current)),
                    _ => tx.RequireEntry(current, component).Inode,
                };
            }

            if (path.EndsWith('/') && !current.IsDirectory)
            {
                throw new PosixException(Errno.ENOTDIR, "A path ending in '/' must name a directory.");
            }

            return current.ToAttributes();
        }, cancellationToken);
    }

    /// <summary>Entries of a directory after cookie <paramref name="after"/>, with attributes.</summary>
    public Task<DirectoryPage> ReadDirectoryAsync(long ino, long? after, int? limit, CancellationToken cancellationToken)
    {
        var from = after ?? 0;
        if (from < 0)
        {
            throw new PosixException(Errno.EINVAL, "'after' cannot be negative.");
        }

        var take = limit ?? NamespaceLimits.DefaultReadDirectoryLimit;
        if (take is < 1 or > NamespaceLimits.MaxReadDirectoryLimit)
        {
            throw new PosixException(Errno.EINVAL, $"'limit' must be between 1 and {NamespaceLimits.MaxReadDirectoryLimit}.");
        }

        return database.ReadAsync(tx =>
        {
            var directory = tx.RequireDirectory(ino);
            // One more than asked tells whether the listing goes on.
            var rows = tx.Namespace.ListEntries(ino, from, take + 1);
            var page = rows.Take(take).Select(r => new DirectoryEntry(r.Entry.Name, r.Entry.Cookie, r.Inode.ToAttributes())).ToList();
            return new DirectoryPage(page, rows.Count > take ? page[^1].Cookie : null, directory.ToAttributes());
        }, cancellationToken);
    }

    /// <summary>The target of a symlink; EINVAL for other kinds.</summary>
    public Task<SymlinkTarget> ReadLinkAsync(long ino, CancellationToken cancellationToken) =>
        database.ReadAsync(tx =>
        {
            var inode = tx.RequireInode(ino);
            return inode.Kind == FileKind.Symlink && inode.Target is { } target
                ? new SymlinkTarget(target)
                : throw new PosixException(Errno.EINVAL, $"Inode {ino} is not a symbolic link.");
        }, cancellationToken);

    /// <summary>Capacity and free space of the live data servers divided by the replica count, and inode counts.</summary>
    public Task<FileSystemStats> StatFsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(tx =>
        {
            var live = tx.Cluster.ListServers().Where(s => s.IsLive).ToList();
            var replicas = Math.Max(1, cluster.Replicas);
            long BlocksOf(long bytes) => bytes / replicas / NamespaceLimits.StatFsBlockSize;
            var used = tx.Namespace.CountInodes();
            return new FileSystemStats(
                NamespaceLimits.StatFsBlockSize,
                BlocksOf(live.Sum(s => s.Stats.CapacityBytes)),
                BlocksOf(live.Sum(s => s.Stats.FreeBytes)),
                used + NamespaceLimits.ReportedFreeInodes,
                NamespaceLimits.ReportedFreeInodes,
                FileNames.MaxNameBytes);
        }, cancellationToken);
}
