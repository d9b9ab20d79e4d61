using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>setattr: mode, owner, size (truncate) and times.</summary>
internal sealed class AttributeService(IMetaDatabase database, ActiveClusterSettings cluster, TimeProvider clock)
{
    /// <summary>
    /// Applies the non-null fields of <paramref name="request"/>. ctime always becomes now; mtime too when the size
    /// changes (unless an mtime is given). Shrinking drops the chunks wholly beyond the new size (to the garbage list)
    /// and clamps the boundary chunk's length; growing only changes the size, so the new range reads as zeros.
    /// </summary>
    public Task<InodeAttributes> SetAttributesAsync(long ino, SetAttributesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        return database.WriteAsync(tx =>
        {
            var inode = tx.RequireInode(ino);
            var now = Timestamp.Now(clock);
            var updated = inode with { Ctime = now };
            if (request.Mode is { } mode)
            {
                updated = updated with { Mode = (inode.Mode & PosixMode.TypeMask) | (mode & PosixMode.PermissionMask) };
            }

            if (request.Uid is { } uid)
            {
                updated = updated with { Uid = uid };
            }

            if (request.Gid is { } gid)
            {
                updated = updated with { Gid = gid };
            }

            if (request.Size is { } size)
            {
                if (inode.IsDirectory)
                {
                    throw new PosixException(Errno.EISDIR, $"Inode {ino} is a directory; only regular files have a settable size.");
                }

                if (inode.Kind != FileKind.File)
                {
                    throw new PosixException(Errno.EINVAL, $"Inode {ino} is not a regular file; only regular files have a settable size.");
                }

                if (size < inode.Size)
                {
                    Shrink(tx, ino, size);
                }

                if (size != inode.Size)
                {
                    updated = updated with { Size = size, Mtime = now };
                }
            }

            if (request.Atime is { } atime)
            {
                updated = updated with { Atime = atime };
            }
            else if (request.AtimeNow)
            {
                updated = updated with { Atime = now };
            }

            if (request.Mtime is { } mtime)
            {
                updated = updated with { Mtime = mtime };
            }
            else if (request.MtimeNow)
            {
                updated = updated with { Mtime = now };
            }

            tx.Namespace.UpdateInode(updated);
            return updated.ToAttributes();
        }, cancellationToken);
    }

    private void Shrink(IMetaTransaction tx, long ino, long size)
    {
        long chunkSize = cluster.ChunkSize;
        var firstDropped = (size + chunkSize - 1) / chunkSize;
        tx.Chunks.DiscardChunks(ino, firstDropped, "truncated", clock.GetUtcNow());
        var boundaryIndex = size / chunkSize;
        var keep = size - (boundaryIndex * chunkSize);
        if (keep > 0 && tx.Chunks.GetChunkAt(ino, boundaryIndex) is { } boundary && boundary.Length > keep)
        {
            tx.Chunks.SetChunkLength(boundary.ChunkId, keep);
        }
    }

    private static void Validate(SetAttributesRequest request)
    {
        if (request.Atime is not null && request.AtimeNow)
        {
            throw new PosixException(Errno.EINVAL, "Give either 'atime' or 'atimeNow', not both.");
        }

        if (request.Mtime is not null && request.MtimeNow)
        {
            throw new PosixException(Errno.EINVAL, "Give either 'mtime' or 'mtimeNow', not both.");
        }

        if (request.Atime is { IsValid: false } || request.Mtime is { IsValid: false })
        {
            throw new PosixException(Errno.EINVAL, "A timestamp's 'nsec' must be between 0 and 999999999.");
        }

        if (request.Size is < 0 or > NamespaceLimits.MaxFileSize)
        {
            throw new PosixException(Errno.EINVAL, $"'size' must be between 0 and {NamespaceLimits.MaxFileSize} (the maximum file size).");
        }

        if (request.Uid is { } uid)
        {
            Ownership.ValidId(uid, "uid");
        }

        if (request.Gid is { } gid)
        {
            Ownership.ValidId(gid, "gid");
        }
    }
}
