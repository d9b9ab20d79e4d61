using ReplicaFs.Client.Files;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>File operations: open, create, read, write, flush, release, fsync.</summary>
public sealed partial class ReplicaFileSystem
{
    /// <inheritdoc />
    public override async ValueTask<FuseResult<OpenedHandle>> OpenAsync(RequestContext context, ulong nodeId, OpenOptions flags)
    {
        try
        {
            // With atomic O_TRUNC the kernel sends no setattr: the open itself truncates (it checked write permission).
            var truncate = (flags & OpenOptions.Truncate) != 0;
            if (truncate)
            {
                await _client.TruncateAsync((long)nodeId, 0);
            }

            var file = await _client.OpenFileAsync((long)nodeId);
            return Register(nodeId, file, flags, truncate);
        }
        catch (Exception e)
        {
            return Fail(e, "open", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<CreatedFile>> CreateAsync(RequestContext context, ulong parent, ReadOnlyMemory<byte> name, uint mode, OpenOptions flags)
    {
        var errno = NewName(name, out var text);
        if (errno != Errno.None)
        {
            return errno;
        }

        try
        {
            // The kernel sends CREATE when it believes the name is free; without O_EXCL a file another client created
            // meanwhile is opened instead, as open(O_CREAT) does.
            var exclusive = (flags & OpenOptions.Exclusive) != 0;
            var attributes = await _client.CreateFileAsync((long)parent, text, mode & PermissionBits, context.Uid, context.Gid, exclusive);
            var truncate = (flags & OpenOptions.Truncate) != 0 && attributes.Size > 0;
            if (truncate)
            {
                await _client.TruncateAsync(attributes.Ino, 0);
            }

            var file = await _client.OpenFileAsync(attributes.Ino);
            var handle = Register(NodeIdOf(attributes), file, flags, truncate: true);
            return new CreatedFile(CountedEntry(file.Attributes, parent), handle);
        }
        catch (Exception e)
        {
            return Fail(e, "create", parent);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<int>> ReadAsync(RequestContext context, ulong nodeId, ulong handle, long offset, Memory<byte> buffer)
    {
        if (!_handles.TryGetValue(handle, out var open))
        {
            return Errno.EBADF;
        }

        try
        {
            var count = await open.File.ReadAsync(offset, buffer);
            Counters.Read(buffer.Length, count);
            return count;
        }
        catch (Exception e)
        {
            return Fail(e, "read", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<FuseResult<int>> WriteAsync(RequestContext context, ulong nodeId, ulong handle, long offset, ReadOnlyMemory<byte> data)
    {
        if (!_handles.TryGetValue(handle, out var open))
        {
            return Errno.EBADF;
        }

        try
        {
            // Without writeback cache the kernel places an O_APPEND write at its cached i_size, which may predate
            // another client's append. The end of the file as this handle knows it (committed size at open plus this
            // client's writes) is the right place; the kernel serialises writes to one inode, so it cannot move.
            var at = open.Append ? open.File.Size : offset;
            await open.File.WriteAsync(at, data);
            _nodes.Changed(nodeId, write: true);
            Counters.Write(data.Length);
            if (at != offset)
            {
                // The kernel copied the bytes into its page cache at the wrong offset and will believe the wrong size.
                ReplicaFsLog.AppendMoved(_logger, nodeId, at, offset);
                ScheduleInvalidation(nodeId);
            }

            return data.Length;
        }
        catch (Exception e)
        {
            return Fail(e, "write", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> FlushAsync(RequestContext context, ulong nodeId, ulong handle)
    {
        if (!_handles.TryGetValue(handle, out var open))
        {
            return Errno.None;
        }

        try
        {
            // close(2) of a descriptor: what it wrote is committed now, or close reports why not (EIO).
            await open.File.FlushAsync();
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "flush", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> FsyncAsync(RequestContext context, ulong nodeId, ulong handle, bool dataOnly)
    {
        if (!_handles.TryGetValue(handle, out var open))
        {
            return Errno.EBADF;
        }

        try
        {
            // A committed chunk is on Qw replicas' disks (fsync + rename before they acknowledge) and in meta's
            // synchronous SQLite: committing is syncing.
            await open.File.FsyncAsync();
            return Errno.None;
        }
        catch (Exception e)
        {
            return Fail(e, "fsync", nodeId);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<Errno> ReleaseAsync(RequestContext context, ulong nodeId, ulong handle, OpenOptions flags)
    {
        if (_handles.TryRemove(handle, out var open))
        {
            await ReleaseHandleAsync(open);
        }

        return Errno.None;
    }

    /// <inheritdoc />
    public override ValueTask<Errno> FsyncDirectoryAsync(RequestContext context, ulong nodeId, ulong handle, bool dataOnly) =>
        new(Errno.None); // every namespace change is durable at the metadata server before it is answered

    private OpenedHandle Register(ulong nodeId, FileHandle file, OpenOptions flags, bool truncate)
    {
        var id = (ulong)Interlocked.Increment(ref _nextHandle);
        var handle = new OpenHandle(id, nodeId, file, flags);
        _handles[id] = handle;
        var keepCache = _nodes.Opened(handle, ContentVersion.Of(file.Attributes), truncate);
        return new OpenedHandle(id, keepCache ? HandleOptions.KeepCache : HandleOptions.None);
    }

    /// <summary>Closes the client's handle (flushing what is buffered) and reclaims the inode if it was its orphan's last.</summary>
    private async Task ReleaseHandleAsync(OpenHandle open)
    {
        try
        {
            await open.File.CloseAsync();
        }
        catch (Exception e)
        {
            // release has no way to report: flush already told the application, if it asked.
            ReplicaFsLog.ReleaseFailed(_logger, open.NodeId, open.Id, e.Message);
        }
        finally
        {
            _handles.TryRemove(open.Id, out _);
            if (_nodes.Released(open))
            {
                ScheduleReclaim(open.NodeId);
            }
        }
    }
}
