using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>Lookups that fail with the errno POSIX prescribes.</summary>
internal static class NamespaceLookups
{
    /// <summary>The inode, or ENOENT.</summary>
    public static InodeRecord RequireInode(this IMetaTransaction tx, long ino) =>
        (ino > 0 ? tx.Namespace.GetInode(ino) : null) ?? throw new PosixException(Errno.ENOENT, $"There is no inode {ino}.");

    /// <summary>The directory, or ENOENT / ENOTDIR.</summary>
    public static InodeRecord RequireDirectory(this IMetaTransaction tx, long ino)
    {
        var inode = tx.RequireInode(ino);
        return inode.IsDirectory ? inode : throw new PosixException(Errno.ENOTDIR, $"Inode {ino} is not a directory.");
    }

    /// <summary>The regular file, or ENOENT, EISDIR (a directory) or EINVAL (a symlink).</summary>
    public static InodeRecord RequireFile(this IMetaTransaction tx, long ino)
    {
        var inode = tx.RequireInode(ino);
        return inode.Kind switch
        {
            FileKind.File => inode,
            FileKind.Directory => throw new PosixException(Errno.EISDIR, $"Inode {ino} is a directory; only regular files have chunks."),
            _ => throw new PosixException(Errno.EINVAL, $"Inode {ino} is not a regular file; only regular files have chunks."),
        };
    }

    /// <summary>The entry <paramref name="name"/> of <paramref name="parent"/> and its inode, or ENOENT.</summary>
    public static (EntryRecord Entry, InodeRecord Inode) RequireEntry(this IMetaTransaction tx, InodeRecord parent, string name)
    {
        var entry = tx.Namespace.GetEntry(parent.Ino, name) ?? throw new PosixException(Errno.ENOENT, $"'{name}' does not exist in directory {parent.Ino}.");
        return (entry, tx.RequireInode(entry.Ino));
    }

    /// <summary>The parent of a directory (the root is its own parent).</summary>
    public static long ParentOf(this IMetaTransaction tx, InodeRecord directory) =>
        directory.Ino == NamespaceLimits.RootIno ? NamespaceLimits.RootIno : tx.Namespace.FindEntryOf(directory.Ino)?.Parent ?? NamespaceLimits.RootIno;

    /// <summary>Validates an entry name (EINVAL, ENAMETOOLONG, EILSEQ) and returns it.</summary>
    public static string ValidName(string? name)
    {
        FileNames.EnsureValid(name);
        return name!;
    }
}
