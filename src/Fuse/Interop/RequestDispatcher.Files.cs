using System.Buffers;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>File operations: open, create, read, write, flush, release, fsync, fallocate.</summary>
internal sealed partial class RequestDispatcher
{
    public async Task OpenAsync(nint req, RequestContext context, ulong nodeId, OpenOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.OpenAsync(context, nodeId, flags);
            replied = true;
            if (!result.IsSuccess)
            {
                ReplyErrno(req, result.Error, "open");
                return;
            }

            var sent = Replies.Open(req, result.Value);
            if (sent < 0)
            {
                // The kernel never saw this open, so no release will come for it.
                LogReplyFailed(_logger, "open", sent);
                await _fs.ReleaseAsync(context, nodeId, result.Value.Handle, flags);
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "open", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task CreateAsync(nint req, RequestContext context, ulong parent, RentedBytes name, uint mode, OpenOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.CreateAsync(context, parent, name.Memory, mode, flags);
            replied = true;
            if (!result.IsSuccess)
            {
                ReplyErrno(req, result.Error, "create");
                return;
            }

            var created = result.Value;
            var sent = Replies.Create(req, created.Entry, created.Handle);
            if (sent < 0)
            {
                LogReplyFailed(_logger, "create", sent);
                UndoLookup(context, created.Entry);
                await _fs.ReleaseAsync(context, created.Entry.NodeId, created.Handle.Handle, flags);
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "create", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task ReadAsync(nint req, RequestContext context, ulong nodeId, ulong handle, long offset, int size)
    {
        _session.EnterRequest();
        var replied = false;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            var result = await _fs.ReadAsync(context, nodeId, handle, offset, buffer.AsMemory(0, size));
            replied = true;
            if (!result.IsSuccess)
            {
                ReplyErrno(req, result.Error, "read");
            }
            else if (result.Value < 0 || result.Value > size)
            {
                ReportInvalidCount("read", result.Value, size);
                ReplyErrno(req, Errno.EIO, "read");
            }
            else
            {
                Replies.Buffer(req, buffer.AsSpan(0, result.Value));
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "read", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _session.ExitRequest();
        }
    }

    public async Task WriteAsync(nint req, RequestContext context, ulong nodeId, ulong handle, long offset, RentedBytes data)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var length = data.Memory.Length;
            var result = await _fs.WriteAsync(context, nodeId, handle, offset, data.Memory);
            replied = true;
            if (!result.IsSuccess)
            {
                ReplyErrno(req, result.Error, "write");
            }
            else if (result.Value < 0 || result.Value > length)
            {
                ReportInvalidCount("write", result.Value, length);
                ReplyErrno(req, Errno.EIO, "write");
            }
            else
            {
                Replies.Written(req, result.Value);
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "write", e);
        }
        finally
        {
            data.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task FlushAsync(nint req, RequestContext context, ulong nodeId, ulong handle)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.FlushAsync(context, nodeId, handle);
            replied = true;
            ReplyErrno(req, errno, "flush");
        }
        catch (Exception e)
        {
            Fail(req, replied, "flush", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task ReleaseAsync(nint req, RequestContext context, ulong nodeId, ulong handle, OpenOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.ReleaseAsync(context, nodeId, handle, flags);
            replied = true;
            ReplyErrno(req, errno, "release");
        }
        catch (Exception e)
        {
            Fail(req, replied, "release", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task FsyncAsync(nint req, RequestContext context, ulong nodeId, ulong handle, bool dataOnly)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.FsyncAsync(context, nodeId, handle, dataOnly);
            replied = true;
            ReplyErrno(req, errno, "fsync");
        }
        catch (Exception e)
        {
            Fail(req, replied, "fsync", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task FallocateAsync(nint req, RequestContext context, ulong nodeId, ulong handle, int mode, long offset, long length)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.FallocateAsync(context, nodeId, handle, mode, offset, length);
            replied = true;
            ReplyErrno(req, errno, "fallocate");
        }
        catch (Exception e)
        {
            Fail(req, replied, "fallocate", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }
}
