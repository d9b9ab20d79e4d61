using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>Name operations: mknod, mkdir, symlink, link, unlink, rmdir, rename.</summary>
public sealed partial class ReplicaFileSystem
{
    private const uint TypeBits = 0xF000;
    private const uint RegularFileType = 0x8000;

    /// <inheritdoc />
    public override async ValueTask<FuseResult<FuseEntry>> MakeNodeAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, ulong rdev)
    {
        // ReplicaFs stores regular files, directories and symlinks; devices, FIFOs and sockets are not supported.
        if ((mode & TypeBits) != RegularFileType)
        {
            return Errno.EPERM;
        }

        var errno = NewName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var attributes = await _client.CreateFileAsync((long)parent, text, mode & PermissionBits, context.Uid, context.Gid, exclusive: true);
            return CountedEntry(attributes, parent);
        }
        catch (Exception e)
        {
            return Fail(e, "mknod", parent);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode)
    {
        var errno = NewName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var attributes = await _client.MakeDirectoryAsync((long)parent, text, mode & PermissionBits, context.Uid, context.Gid);
            return CountedEntry(attributes, parent);
        }
        catch (Exception e)
        {
            return Fail(e, "mkdir", parent);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<FuseEntry>> SymlinkAsync(RequestContext context, ReadOnlyMemory<byte> target, ulong parent, ReadOnlyMemory<byte> name)
    {
        var errno = NewName(name, out var text);
        if (errno == Errno.None)
        {
            errno = EntryNames.DecodeTarget(target.Span, out var targetText);
            if (errno == Errno.None)
            {
                try
                {
                    var attributes = await _client.CreateSymlinkAsync((long)parent, text, targetText, context.Uid, context.Gid);
                    return CountedEntry(attributes, parent);
                }
                catch (Exception e)
                {
                    return Fail(e, "symlink", parent);
                }
            }
        }

        return errno;
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<FuseEntry>> LinkAsync(RequestContext context, ulong nodeId, ulong newParent, ReadOnlyMemory<byte> newName)
    {
        var errno = NewName(newName, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var attributes = await _client.LinkAsync((long)newParent, text, (long)nodeId);
            return CountedEntry(attributes, newParent);
        }
        catch (Exception e)
        {
            return Fail(e, "link", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> UnlinkAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        var errno = ExistingName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var open = await OpenVictimAsync(parent, text);
            await _client.UnlinkAsync((long)parent, text, keepOrphan: open != 0);
            Orphaned(open);
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "unlink", parent);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> RemoveDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        var errno = ExistingName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            await _client.RemoveDirectoryAsync((long)parent, text);
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "rmdir", parent);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> RenameAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, ulong newParent, ReadOnlyMemory<byte> newName, RenameOptions flags)
    {
        if ((flags & ~(RenameOptions.NoReplace | RenameOptions.Exchange)) != 0 ||
            (flags & (RenameOptions.NoReplace | RenameOptions.Exchange)) == (RenameOptions.NoReplace | RenameOptions.Exchange))
        {
            // RENAME_WHITEOUT is for overlay file systems; NOREPLACE and EXCHANGE exclude each other.
            return Errno.EINVAL;
        }

        var errno = ExistingName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        var exchange = (flags & RenameOptions.Exchange) != 0;
        errno = exchange ? ExistingName(newName, out var newText) : NewName(newName, out newText);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            var mode = exchange ? RenameMode.Exchange : (flags & RenameOptions.NoReplace) != 0 ? RenameMode.NoReplace : RenameMode.Replace;
            var open = mode == RenameMode.Replace ? await OpenVictimAsync(newParent, newText) : 0;
            await _client.RenameAsync(new RenameRequest((long)parent, text, (long)newParent, newText, mode, KeepOrphan: open != 0));
            Orphaned(open);
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "rename", parent);
        }
    }

    /// <summary>
    /// The inode <paramref name="name"/> names in <paramref name="parent"/> if it is open through this mount (then its
    /// removal must keep it as an orphan), else 0. Costs a lookup only while some file is open here at all.
    /// </summary>
    private async Task<ulong> OpenVictimAsync(ulong parent, string name)
    {
        if (!_nodes.AnyOpen)
        {
            return 0;
        }

        try
        {
            var target = NodeIdOf(await _client.LookupAsync((long)parent, name));
            return _nodes.IsOpen(target) ? target : 0;
        }
        catch (PosixException e) when (e.Errno == Errno.ENOENT)
        {
            // Nothing there: the unlink or rename itself reports what it must.
            return 0;
        }
    }

    private void Orphaned(ulong nodeId)
    {
        if (nodeId != 0 && _nodes.MarkOrphaned(nodeId))
        {
            ScheduleReclaim(nodeId);
        }
    }
}
