using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>How an inode loses a link and when it is deleted.</summary>
internal static class InodeLifecycle
{
    /// <summary>
    /// Takes one link away from a non-directory inode whose entry was just removed. At zero links the inode is
    /// deleted, unless <paramref name="keepOrphan"/>: then it stays (nlink 0) until it is reclaimed, because a
    /// client still has it open.
    /// </summary>
    public static void DropLink(IMetaTransaction tx, InodeRecord inode, bool keepOrphan, Timestamp now, DateTimeOffset wallClock)
    {
        var nlink = Math.Max(0, inode.Nlink - 1);
        if (nlink == 0 && !keepOrphan)
        {
            Delete(tx, inode.Ino, "unlinked", wallClock);
            return;
        }

        tx.Namespace.UpdateInode(inode with { Nlink = nlink, Ctime = now });
    }

    /// <summary>Deletes an inode that no entry points to; its chunks go to the garbage list in the same transaction.</summary>
    public static void Delete(IMetaTransaction tx, long ino, string reason, DateTimeOffset wallClock)
    {
        tx.Chunks.DiscardChunks(ino, 0, reason, wallClock);
        tx.Namespace.DeleteInode(ino);
    }
}
