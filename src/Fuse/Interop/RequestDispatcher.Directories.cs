using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>Directory handle operations: opendir, readdir, readdirplus, releasedir, fsyncdir.</summary>
internal sealed partial class RequestDispatcher
{
    public async Task OpenDirectoryAsync(nint req, RequestContext context, ulong nodeId, OpenOptions flags)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var result = await _fs.OpenDirectoryAsync(context, nodeId, flags);
            replied = true;
            if (!result.IsSuccess)
            {
                ReplyErrno(req, result.Error, "opendir");
                return;
            }

            var sent = Replies.Open(req, result.Value);
            if (sent < 0)
            {
                LogReplyFailed(_logger, "opendir", sent);
                await _fs.ReleaseDirectoryAsync(context, nodeId, result.Value.Handle);
            }
        }
        catch (Exception e)
        {
            Fail(req, replied, "opendir", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task ReadDirectoryAsync(nint req, RequestContext context, ulong nodeId, ulong handle, long offset, DirectoryBuffer buffer)
    {
        _session.EnterRequest();
        var operation = buffer.IsPlus ? "readdirplus" : "readdir";
        var replied = false;
        try
        {
            var errno = buffer.IsPlus
                ? await _fs.ReadDirectoryPlusAsync(context, nodeId, handle, offset, buffer)
                : await _fs.ReadDirectoryAsync(context, nodeId, handle, offset, buffer);
            replied = true;
            if (errno != Errno.None)
            {
                UndoListing(context, buffer);
                ReplyErrno(req, errno, operation);
                return;
            }

            var sent = buffer.Reply();
            if (sent < 0)
            {
                LogReplyFailed(_logger, operation, sent);
                UndoListing(context, buffer);
            }
        }
        catch (Exception e)
        {
            if (!replied)
            {
                UndoListing(context, buffer);
            }

            Fail(req, replied, operation, e);
        }
        finally
        {
            buffer.Dispose();
            _session.ExitRequest();
        }
    }

    public async Task ReleaseDirectoryAsync(nint req, RequestContext context, ulong nodeId, ulong handle)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.ReleaseDirectoryAsync(context, nodeId, handle);
            replied = true;
            ReplyErrno(req, errno, "releasedir");
        }
        catch (Exception e)
        {
            Fail(req, replied, "releasedir", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    public async Task FsyncDirectoryAsync(nint req, RequestContext context, ulong nodeId, ulong handle, bool dataOnly)
    {
        _session.EnterRequest();
        var replied = false;
        try
        {
            var errno = await _fs.FsyncDirectoryAsync(context, nodeId, handle, dataOnly);
            replied = true;
            ReplyErrno(req, errno, "fsyncdir");
        }
        catch (Exception e)
        {
            Fail(req, replied, "fsyncdir", e);
        }
        finally
        {
            _session.ExitRequest();
        }
    }

    /// <summary>The kernel did not get these readdirplus entries, so it will never forget them.</summary>
    private void UndoListing(RequestContext context, DirectoryBuffer buffer)
    {
        foreach (var nodeId in buffer.CountedNodes)
        {
            _fs.Forget(context, nodeId, 1);
        }
    }
}
