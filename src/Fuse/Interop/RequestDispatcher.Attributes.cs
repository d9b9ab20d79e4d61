using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>Inode operations: getattr, setattr, readlink, access, statfs.</summary>
internal sealed partial class RequestDispatcher
{
    public async Task GetAttributesAsync(nint req, RequestContext context, ulong nodeId, ulong? handle)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.GetAttributesAsync(context, nodeId, handle);
            replied = true;
            ReplyAttributes(req, result, "getattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "getattr", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task SetAttributesAsync(nint req, RequestContext context, ulong nodeId, AttributeChanges changes)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.SetAttributesAsync(context, nodeId, changes);
            replied = true;
            ReplyAttributes(req, result, "setattr");
        }
        catch (Exception e)
        {
            Fail(req, replied, "setattr", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task ReadLinkAsync(nint req, RequestContext context, ulong nodeId)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.ReadLinkAsync(context, nodeId);
            replied = true;
            if (result.IsSuccess)
            {
                Replies.ReadLink(req, result.Value.Span);
            }
            else
            {
                ReplyErrno(req, result.Error, "readlink");
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "readlink", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task AccessAsync(nint req, RequestContext context, ulong nodeId, int mask)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.AccessAsync(context, nodeId, mask);
            replied = true;
            ReplyErrno(req, errno, "access");
        }
        catch (Exception e)
        {
            Fail(req, replied, "access", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task StatFsAsync(nint req, RequestContext context, ulong nodeId)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.StatFsAsync(context, nodeId);
            replied = true;
            if (result.IsSuccess)
            {
                Replies.StatFs(req, result.Value);
            }
            else
            {
                ReplyErrno(req, result.Error, "statfs");
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "statfs", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }
}
