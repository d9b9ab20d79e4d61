using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>Name operations: lookup, forget, mknod, mkdir, symlink, link, unlink, rmdir, rename.</summary>
internal sealed partial class RequestDispatcher
{
    public async Task LookupAsync(nint req, RequestContext context, ulong parent, RentedBytes name)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.LookupAsync(context, parent, name.Memory);
            replied = true;
            ReplyEntry(req, context, result, "lookup");
        }
        catch (Exception e)
        {
            Fail(req, replied, "lookup", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    /// <summary>forget and each element of forget_multi: no reply here (the callback sends fuse_reply_none).</summary>
    public void Forget(RequestContext context, ulong nodeId, ulong count)
    {
        try
        {
            _fs.Forget(context, nodeId, count);
        }
        catch (Exception e)
        {
            LogOperationFailed(_logger, "forget", e);
        }
    }

    public async Task MakeNodeAsync(nint req, RequestContext context, ulong parent, RentedBytes name, uint mode, ulong rdev)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.MakeNodeAsync(context, parent, name.Memory, mode, rdev);
            replied = true;
            ReplyEntry(req, context, result, "mknod");
        }
        catch (Exception e)
        {
            Fail(req, replied, "mknod", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task MakeDirectoryAsync(nint req, RequestContext context, ulong parent, RentedBytes name, uint mode)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.MakeDirectoryAsync(context, parent, name.Memory, mode);
            replied = true;
            ReplyEntry(req, context, result, "mkdir");
        }
        catch (Exception e)
        {
            Fail(req, replied, "mkdir", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task SymlinkAsync(nint req, RequestContext context, RentedBytes target, ulong parent, RentedBytes name)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.SymlinkAsync(context, target.Memory, parent, name.Memory);
            replied = true;
            ReplyEntry(req, context, result, "symlink");
        }
        catch (Exception e)
        {
            Fail(req, replied, "symlink", e);
        }
        finally
        {
            target.Dispose();
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task LinkAsync(nint req, RequestContext context, ulong nodeId, ulong newParent, RentedBytes newName)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.LinkAsync(context, nodeId, newParent, newName.Memory);
            replied = true;
            ReplyEntry(req, context, result, "link");
        }
        catch (Exception e)
        {
            Fail(req, replied, "link", e);
        }
        finally
        {
            newName.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task UnlinkAsync(nint req, RequestContext context, ulong parent, RentedBytes name)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.UnlinkAsync(context, parent, name.Memory);
            replied = true;
            ReplyErrno(req, errno, "unlink");
        }
        catch (Exception e)
        {
            Fail(req, replied, "unlink", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task RemoveDirectoryAsync(nint req, RequestContext context, ulong parent, RentedBytes name)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.RemoveDirectoryAsync(context, parent, name.Memory);
            replied = true;
            ReplyErrno(req, errno, "rmdir");
        }
        catch (Exception e)
        {
            Fail(req, replied, "rmdir", e);
        }
        finally
        {
            name.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task RenameAsync(nint req, RequestContext context, ulong parent, RentedBytes name, ulong newParent, RentedBytes newName, RenameOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.RenameAsync(context, parent, name.Memory, newParent, newName.Memory, flags);
            replied = true;
            ReplyErrno(req, errno, "rename");
        }
        catch (Exception e)
        {
            Fail(req, replied, "rename", e);
        }
        finally
        {
            name.Dispose();
            newName.Dispose();
            _session.ExitRequest();
        }
    }
}
