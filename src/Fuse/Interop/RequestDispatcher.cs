using Microsoft.Extensions.Logging;
using ReplicaFs.Contracts.Posix;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.Interop;

/// <summary>
/// The managed half of the trampoline: one method per operation that awaits the file system and sends exactly one
/// reply, on whatever thread the file system completes. The callbacks (<see cref="LowLevelCallbacks"/>) copy what dies
/// with them and hand over; from then on the method owns the reply. A file system that throws gets EIO sent for it.
/// These methods never throw. Each counts itself in flight so the session is destroyed only after its reply.
/// </summary>
internal sealed partial class RequestDispatcher
{
    private readonly FuseSession _session;
    private readonly FuseFileSystem _fs;
    private readonly ILogger _logger;

    public RequestDispatcher(FuseSession session)
    {
        _session = session;
        _fs = session.FileSystem;
        _logger = session.Logger;
    }

    /// <summary>Logs a failure and answers EIO unless a reply already went out.</summary>
    private void Fail(nint req, bool replied, string operation, Exception exception)
    {
        LogOperationFailed(_logger, operation, exception);
        if (!replied)
        {
            Replies.Error(req, Errno.EIO);
        }
    }

    private void ReplyErrno(nint req, Errno errno, string operation)
    {
        var result = Replies.Error(req, errno);
        if (result < 0 && result != Replies.Interrupted)
        {
            LogReplyFailed(_logger, operation, result);
        }
    }

    /// <summary>Answers with an entry; if the kernel did not take it, gives back the lookup it implied.</summary>
    private void ReplyEntry(nint req, RequestContext context, in FuseResult<FuseEntry> result, string operation)
    {
        if (!result.IsSuccess)
        {
            ReplyErrno(req, result.Error, operation);
            return;
        }

        var entry = result.Value;
        var sent = Replies.Entry(req, entry);
        if (sent < 0)
        {
            LogReplyFailed(_logger, operation, sent);
            UndoLookup(context, entry);
        }
    }

    private void ReplyAttributes(nint req, in FuseResult<TimedAttributes> result, string operation)
    {
        if (!result.IsSuccess)
        {
            ReplyErrno(req, result.Error, operation);
            return;
        }

        var sent = Replies.Attributes(req, result.Value);
        if (sent < 0 && sent != Replies.Interrupted)
        {
            LogReplyFailed(_logger, operation, sent);
        }
    }

    private void UndoLookup(RequestContext context, in FuseEntry entry)
    {
        if (!entry.IsNegative)
        {
            _fs.Forget(context, entry.NodeId, 1);
        }
    }

    private void ReportInvalidCount(string operation, int count, int limit) =>
        LogInvalidCount(_logger, operation, count, limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "FUSE {Operation} failed with an exception; answering EIO")]
    private static partial void LogOperationFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The reply to {Operation} was not delivered ({Result}); undoing what it implied")]
    private static partial void LogReplyFailed(ILogger logger, string operation, int result);

    [LoggerMessage(Level = LogLevel.Error, Message = "FUSE {Operation} answered {Count} bytes for a {Limit}-byte request; answering EIO")]
    private static partial void LogInvalidCount(ILogger logger, string operation, int count, int limit);
}
