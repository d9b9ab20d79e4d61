using System.Buffers;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>Extended attributes: setxattr, getxattr, listxattr, removexattr (size-0 probes and ERANGE handled here).</summary>
internal sealed partial class RequestDispatcher
{
    public async Task SetXattrAsync(nint req, RequestContext context, ulong nodeId, RentedBytes name, RentedBytes value, XattrOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.SetXattrAsync(context, nodeId, name.Memory, value.Memory, flags);
            replied = true;
            ReplyErrno(req, errno, "setxattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "setxattr", e);
        }
        finally
        {
            name.Dispose();
            value.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task GetXattrAsync(nint req, RequestContext context, ulong nodeId, RentedBytes name, int size)
    {
        _session.EnterRequest();
        var replied = false;
        var buffer = size > 0 ? ArrayPool<byte>.Shared.Rent(size) : null;
        try
        {
            var result = await _fs.GetXattrAsync(context, nodeId, name.Memory, buffer.AsMemory(0, size));
            replied = true;
            ReplySized(req, result, buffer, size, "getxattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "getxattr", e);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task ListXattrAsync(nint req, RequestContext context, ulong nodeId, int size)
    {
        _session.EnterRequest();
        var replied = false;
        var buffer = size > 0 ? ArrayPool<byte>.Shared.Rent(size) : null;
        try
        {
            var result = await _fs.ListXattrAsync(context, nodeId, buffer.AsMemory(0, size));
            replied = true;
            ReplySized(req, result, buffer, size, "listxattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "listxattr", e);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _session.ExitRequest();
        }
    }

    public async Task RemoveXattrAsync(nint req, RequestContext context, ulong nodeId, RentedBytes name)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.RemoveXattrAsync(context, nodeId, name.Memory);
            replied = true;
            ReplyErrno(req, errno, "removexattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "removexattr", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    /// <summary>The xattr size rules: a size-0 probe gets the length, a too-small buffer ERANGE, else the bytes.</summary>
    private void ReplySized(nint req, in FuseResult<int> result, byte[]? buffer, int size, string operation)
    {
        if (!result.IsSuccess)
        {
            ReplyErrno(req, result.Error, operation);
        }
        else if (result.Value < 0)
        {
            ReportInvalidCount(operation, result.Value, size);
            ReplyErrno(req, Errno.EIO, operation);
        }
        else if (size == 0)
        {
            Replies.XattrSize(req, result.Value);
        }
        else if (result.Value > size)
        {
            ReplyErrno(req, Errno.ERANGE, operation);
        }
        else
        {
            Replies.Buffer(req, buffer.AsSpan(0, result.Value));
        }
    }
}
