using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>Creating, linking, removing and renaming names.</summary>
public sealed partial class MemoryFileSystem
{
    private const uint FifoType = 0x1000;
    private const uint CharacterDeviceType = 0x2000;
    private const uint BlockDeviceType = 0x6000;
    private const uint SocketType = 0xC000;
    private const int MaxSymlinkTarget = 4095;

    public override ValueTask<FuseResult<FuseEntry>> MakeNodeAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, ulong rdev)
    {
        var type = mode & PosixMode.TypeMask;
        if (type == 0)
        {
            type = PosixMode.RegularFile;
        }

        if (type is not (PosixMode.RegularFile or FifoType or CharacterDeviceType or BlockDeviceType or SocketType))
        {
            return new(new FuseResult<FuseEntry>(Errno.EINVAL));
        }

        lock (_gate)
        {
            var created = AddNode(context, parent, name.Span, type | (mode & PermissionAndSpecialBits), type == PosixMode.RegularFile ? new PagedContent() : null, null, false);
            if (!created.IsSuccess)
            {
                return new(created.Error);
            }

            created.Value.Rdev = rdev;
            return new(Reference(created.Value));
        }
    }

    public override ValueTask<FuseResult<FuseEntry>> MakeDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode)
    {
        lock (_gate)
        {
            var created = AddNode(context, parent, name.Span, PosixMode.Directory | (mode & PermissionAndSpecialBits), null, null, true);
            return new(created.IsSuccess ? Reference(created.Value) : new FuseResult<FuseEntry>(created.Error));
        }
    }

    public override ValueTask<FuseResult<FuseEntry>> SymlinkAsync(RequestContext context, ReadOnlyMemory<byte> target, ulong parent, ReadOnlyMemory<byte> name)
    {
        if (target.IsEmpty)
        {
            return new(new FuseResult<FuseEntry>(Errno.ENOENT));
        }

        if (target.Length > MaxSymlinkTarget)
        {
            return new(new FuseResult<FuseEntry>(Errno.ENAMETOOLONG));
        }

        lock (_gate)
        {
            var created = AddNode(context, parent, name.Span, PosixMode.Symlink | 0x1FF, null, target.ToArray(), false);
            return new(created.IsSuccess ? Reference(created.Value) : new FuseResult<FuseEntry>(created.Error));
        }
    }

    public override ValueTask<FuseResult<FuseEntry>> LinkAsync(RequestContext context, ulong nodeId, ulong newParent, ReadOnlyMemory<byte> newName)
    {
        lock (_gate)
        {
            return new(Link(nodeId, newParent, newName.Span));
        }
    }

    public override ValueTask<Errno> UnlinkAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        lock (_gate)
        {
            return new(Remove(parent, name.Span, directory: false));
        }
    }

    public override ValueTask<Errno> RemoveDirectoryAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name)
    {
        lock (_gate)
        {
            return new(Remove(parent, name.Span, directory: true));
        }
    }

    public override ValueTask<Errno> RenameAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, ulong newParent, ReadOnlyMemory<byte> newName, RenameOptions flags)
    {
        lock (_gate)
        {
            return new(Rename(parent, name.Span, newParent, newName.Span, flags));
        }
    }

    /// <summary>Adds a new node named <paramref name="name"/> under <paramref name="parentId"/> (not yet referenced).</summary>
    private FuseResult<MemoryNode> AddNode(RequestContext context, ulong parentId, ReadOnlySpan<byte> name, uint mode, PagedContent? content, byte[]? target, bool directory)
    {
        if (!TryGetDirectory(parentId, out var parent, out var errno))
        {
            return errno;
        }

        var nameError = CheckNewName(parent, name);
        if (nameError != Errno.None)
        {
            return nameError;
        }

        if (_nodes.Count >= _options.MaxNodes)
        {
            return Errno.ENOSPC;
        }

        // A setgid directory hands its group down, and its setgid bit to subdirectories.
        var gid = context.Gid;
        if ((parent.Mode & PosixMode.SetGid) != 0)
        {
            gid = parent.Gid;
            if (directory)
            {
                mode |= PosixMode.SetGid;
            }
        }

        var now = Now();
        var node = new MemoryNode(_nextNodeId++, mode, context.Uid, gid, now)
        {
            Content = content,
            Target = target,
            Directory = directory ? new MemoryDirectory(parent) : null,
            Nlink = directory ? 2u : 1u,
        };
        _nodes.Add(node.Id, node);
        parent.Directory!.Add(name, node.Id);
        if (directory)
        {
            parent.Nlink++;
        }

        parent.Mtime = now;
        parent.Ctime = now;
        return node;
    }

    private FuseResult<FuseEntry> Link(ulong nodeId, ulong newParentId, ReadOnlySpan<byte> newName)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return Errno.ENOENT;
        }

        if (node.IsDirectory)
        {
            return Errno.EPERM;
        }

        if (!TryGetDirectory(newParentId, out var parent, out var errno))
        {
            return errno;
        }

        var nameError = CheckNewName(parent, newName);
        if (nameError != Errno.None)
        {
            return nameError;
        }

        var now = Now();
        parent.Directory!.Add(newName, node.Id);
        parent.Mtime = now;
        parent.Ctime = now;
        node.Nlink++;
        node.Ctime = now;
        return Reference(node);
    }

    private Errno Remove(ulong parentId, ReadOnlySpan<byte> name, bool directory)
    {
        if (!TryGetDirectory(parentId, out var parent, out var errno))
        {
            return errno;
        }

        if (!parent.Directory!.TryGet(name, out var entry))
        {
            return Errno.ENOENT;
        }

        var node = _nodes[entry.NodeId];
        if (directory)
        {
            if (!node.IsDirectory)
            {
                return Errno.ENOTDIR;
            }

            if (node.Directory!.Count > 0)
            {
                return Errno.ENOTEMPTY;
            }
        }
        else if (node.IsDirectory)
        {
            return Errno.EISDIR;
        }

        var now = Now();
        parent.Directory.Remove(entry);
        parent.Mtime = now;
        parent.Ctime = now;
        Unlinked(parent, node, now);
        return Errno.None;
    }

    private Errno Rename(ulong parentId, ReadOnlySpan<byte> name, ulong newParentId, ReadOnlySpan<byte> newName, RenameOptions flags)
    {
        if ((flags & ~(RenameOptions.NoReplace | RenameOptions.Exchange)) != 0 || flags == (RenameOptions.NoReplace | RenameOptions.Exchange))
        {
            return Errno.EINVAL;
        }

        if (!TryGetDirectory(parentId, out var oldParent, out var errno) || !TryGetDirectory(newParentId, out var newParent, out errno))
        {
            return errno;
        }

        if (newName.Length > MaxNameBytes)
        {
            return Errno.ENAMETOOLONG;
        }

        if (!oldParent.Directory!.TryGet(name, out var sourceEntry))
        {
            return Errno.ENOENT;
        }

        var source = _nodes[sourceEntry.NodeId];
        var hasTarget = newParent.Directory!.TryGet(newName, out var targetEntry);
        var target = hasTarget ? _nodes[targetEntry.NodeId] : null;
        var now = Now();

        if ((flags & RenameOptions.Exchange) != 0)
        {
            if (target is null)
            {
                return Errno.ENOENT;
            }

            if ((source.IsDirectory && IsSelfOrAncestor(source, newParent)) || (target.IsDirectory && IsSelfOrAncestor(target, oldParent)))
            {
                return Errno.EINVAL;
            }

            sourceEntry.NodeId = target.Id;
            targetEntry.NodeId = source.Id;
            if (oldParent != newParent)
            {
                MoveDirectoryLink(source, oldParent, newParent);
                MoveDirectoryLink(target, newParent, oldParent);
            }

            Touch(now, source, target, oldParent, newParent);
            return Errno.None;
        }

        if (target is not null)
        {
            if ((flags & RenameOptions.NoReplace) != 0)
            {
                return Errno.EEXIST;
            }

            if (target == source)
            {
                return Errno.None;
            }

            if (source.IsDirectory)
            {
                if (!target.IsDirectory)
                {
                    return Errno.ENOTDIR;
                }

                if (target.Directory!.Count > 0)
                {
                    return Errno.ENOTEMPTY;
                }
            }
            else if (target.IsDirectory)
            {
                return Errno.EISDIR;
            }
        }

        if (source.IsDirectory && IsSelfOrAncestor(source, newParent))
        {
            return Errno.EINVAL;
        }

        if (target is not null)
        {
            newParent.Directory.Remove(targetEntry);
        }

        oldParent.Directory.Remove(sourceEntry);
        newParent.Directory.Add(newName, source.Id);
        if (oldParent != newParent)
        {
            MoveDirectoryLink(source, oldParent, newParent);
        }

        Touch(now, source, oldParent, newParent);
        if (target is not null)
        {
            Unlinked(newParent, target, now);
        }

        return Errno.None;
    }

    private static void MoveDirectoryLink(MemoryNode node, MemoryNode from, MemoryNode to)
    {
        if (node.Directory is { } directory)
        {
            directory.Parent = to;
            from.Nlink--;
            to.Nlink++;
        }
    }

    /// <summary>Whether <paramref name="directory"/> is <paramref name="candidate"/> or one of its ancestors.</summary>
    private static bool IsSelfOrAncestor(MemoryNode directory, MemoryNode candidate)
    {
        for (MemoryNode? current = candidate; current is not null; current = current.Directory?.Parent)
        {
            if (current == directory)
            {
                return true;
            }
        }

        return false;
    }

    private static void Touch(Contracts.Files.Timestamp now, params ReadOnlySpan<MemoryNode> nodes)
    {
        foreach (var node in nodes)
        {
            node.Ctime = now;
            if (node.IsDirectory)
            {
                node.Mtime = now;
            }
        }
    }

    /// <summary>A name of <paramref name="node"/> in <paramref name="parent"/> is gone.</summary>
    private void Unlinked(MemoryNode parent, MemoryNode node, Contracts.Files.Timestamp now)
    {
        if (node.IsDirectory)
        {
            node.Nlink = 0;
            parent.Nlink--;
        }
        else
        {
            node.Nlink--;
        }

        node.Ctime = now;
        RemoveIfUnused(node);
    }

    private static Errno CheckNewName(MemoryNode parent, ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxNameBytes)
        {
            return Errno.ENAMETOOLONG;
        }

        if (name.IsEmpty || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || parent.Directory!.TryGet(name, out _))
        {
            return Errno.EEXIST;
        }

        // A directory that was removed while the kernel still held it takes no new names.
        return parent.Nlink == 0 ? Errno.ENOENT : Errno.None;
    }
}
