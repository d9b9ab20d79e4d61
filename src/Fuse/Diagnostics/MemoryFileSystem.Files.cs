using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>Regular file I/O: create, open, read, write, release, flush, fsync, fallocate.</summary>
public sealed partial class MemoryFileSystem
{
    private const int FallocateKeepSize = 0x1;

    private readonly Dictionary<ulong, OpenFile> _handles = [];

    public override ValueTask<FuseResult<CreatedFile>> CreateAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, OpenOptions flags)
    {
        var type = mode & PosixMode.TypeMask;
        if (type is not (0 or PosixMode.RegularFile))
        {
            return new(new FuseResult<CreatedFile>(Errno.EINVAL));
        }

        lock (_gate)
        {
            var created = AddNode(context, parent, name.Span, PosixMode.RegularFile | (mode & PermissionAndSpecialBits), new PagedContent(), null, false);
            if (!created.IsSuccess)
            {
                return new(new FuseResult<CreatedFile>(created.Error));
            }

            var node = created.Value;
            return new(new CreatedFile(Reference(node), new OpenedHandle(Open(node, flags))));
        }
    }

    public override ValueTask<FuseResult<OpenedHandle>> OpenAsync(RequestContext context, ulong nodeId, OpenOptions flags)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(new FuseResult<OpenedHandle>(Errno.ENOENT));
            }

            if (node.IsDirectory && (flags & OpenOptions.AccessModeMask) != OpenOptions.ReadOnly)
            {
                return new(new FuseResult<OpenedHandle>(Errno.EISDIR));
            }

            if ((flags & OpenOptions.Truncate) != 0 && (flags & OpenOptions.AccessModeMask) != OpenOptions.ReadOnly && node.Content is { Length: > 0 } content)
            {
                var now = Now();
                _usedPages -= content.Truncate(0);
                node.Mtime = now;
                node.Ctime = now;
            }

            return new(new OpenedHandle(Open(node, flags)));
        }
    }

    public override ValueTask<FuseResult<int>> ReadAsync(RequestContext context, ulong nodeId, ulong handle, long offset, Memory<byte> buffer)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                return new(new FuseResult<int>(Errno.ENOENT));
            }

            if (node.Content is not { } content)
            {
                return new(new FuseResult<int>(node.IsDirectory ? Errno.EISDIR : Errno.EINVAL));
            }

            return new(offset < 0 ? new FuseResult<int>(Errno.EINVAL) : content.Read(offset, buffer.Span));
        }
    }

    public override ValueTask<FuseResult<int>> WriteAsync(RequestContext context, ulong nodeId, ulong handle, long offset, ReadOnlyMemory<byte> data)
    {
        lock (_gate)
        {
            return new(Write(nodeId, handle, offset, data.Span));
        }
    }

    public override ValueTask<Errno> FlushAsync(RequestContext context, ulong nodeId, ulong handle) => new(Errno.None);

    public override ValueTask<Errno> FsyncAsync(RequestContext context, ulong nodeId, ulong handle, bool dataOnly) => new(Errno.None);

    public override ValueTask<Errno> ReleaseAsync(RequestContext context, ulong nodeId, ulong handle, OpenOptions flags)
    {
        lock (_gate)
        {
            if (_handles.Remove(handle, out var open))
            {
                open.Node.OpenCount--;
                RemoveIfUnused(open.Node);
            }

            return new(Errno.None);
        }
    }

    public override ValueTask<Errno> FallocateAsync(RequestContext context, ulong nodeId, ulong handle, int mode, long offset, long length)
    {
        lock (_gate)
        {
            return new(Fallocate(nodeId, mode, offset, length));
        }
    }

    private ulong Open(MemoryNode node, OpenOptions flags)
    {
        var handle = _nextHandle++;
        _handles.Add(handle, new OpenFile(node, (flags & OpenOptions.Append) != 0));
        node.OpenCount++;
        return handle;
    }

    private FuseResult<int> Write(ulong nodeId, ulong handle, long offset, ReadOnlySpan<byte> data)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return Errno.ENOENT;
        }

        if (node.Content is not { } content)
        {
            return node.IsDirectory ? Errno.EISDIR : Errno.EINVAL;
        }

        // Without writeback caching, O_APPEND is the file system's job.
        if (_handles.TryGetValue(handle, out var open) && open.Append)
        {
            offset = content.Length;
        }

        if (offset < 0 || offset > long.MaxValue - data.Length)
        {
            return Errno.EFBIG;
        }

        var missing = content.MissingPages(offset, data.Length);
        if (_usedPages + missing > _capacityPages)
        {
            return Errno.ENOSPC;
        }

        content.Write(offset, data);
        _usedPages += missing;
        var now = Now();
        node.Mtime = now;
        node.Ctime = now;
        return data.Length;
    }

    private Errno Fallocate(ulong nodeId, int mode, long offset, long length)
    {
        if (!_nodes.TryGetValue(nodeId, out var node))
        {
            return Errno.ENOENT;
        }

        if ((mode & ~FallocateKeepSize) != 0)
        {
            return Errno.EOPNOTSUPP;
        }

        if (node.Content is not { } content)
        {
            return node.IsDirectory ? Errno.EISDIR : Errno.EINVAL;
        }

        if (offset < 0 || length <= 0 || offset > long.MaxValue - length)
        {
            return Errno.EINVAL;
        }

        // Cheap bound first: a range larger than the free space plus what the file already holds cannot fit.
        var rangePages = ((offset + length - 1) / PagedContent.PageSize) - (offset / PagedContent.PageSize) + 1;
        if (rangePages - content.PageCount > _capacityPages - _usedPages)
        {
            return Errno.ENOSPC;
        }

        var missing = content.MissingPages(offset, length);
        if (_usedPages + missing > _capacityPages)
        {
            return Errno.ENOSPC;
        }

        content.Allocate(offset, length, keepSize: (mode & FallocateKeepSize) != 0);
        _usedPages += missing;
        var now = Now();
        node.Ctime = now;
        if ((mode & FallocateKeepSize) == 0)
        {
            node.Mtime = now;
        }

        return Errno.None;
    }
}
