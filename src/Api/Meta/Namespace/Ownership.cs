using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>Owner, group and mode of a new inode (Linux rules for setgid directories).</summary>
internal static class Ownership
{
    /// <summary>
    /// In a setgid directory a new inode gets the directory's group instead of <paramref name="gid"/>, and a new
    /// subdirectory also inherits the setgid bit.
    /// </summary>
    public static (uint Gid, uint Mode) ForNewInode(InodeRecord parent, FileKind kind, uint gid, uint mode)
    {
        var fullMode = PosixMode.Make(kind, mode);
        if ((parent.Mode & PosixMode.SetGid) == 0)
        {
            return (gid, fullMode);
        }

        return (parent.Gid, kind == FileKind.Directory ? fullMode | PosixMode.SetGid : fullMode);
    }

    /// <summary>Refuses (uid_t)-1, which means "no change" in chown and is never a real id.</summary>
    public static uint ValidId(uint id, string what) =>
        id == uint.MaxValue ? throw new PosixException(Errno.EINVAL, $"{what} 4294967295 ((uid_t)-1) is not a valid id.") : id;
}
