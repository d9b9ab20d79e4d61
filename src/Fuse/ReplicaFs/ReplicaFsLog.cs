using Microsoft.Extensions.Logging;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>The file system's log messages.</summary>
internal static partial class ReplicaFsLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} on inode {NodeId}: {Errno} ({Reason})")]
    public static partial void OperationRefused(ILogger logger, string operation, ulong nodeId, Errno errno, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} on inode {NodeId} failed with {Errno}: {Reason}")]
    public static partial void OperationFailed(ILogger logger, string operation, ulong nodeId, Errno errno, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} on inode {NodeId} failed with EIO: {Reason}")]
    public static partial void QuorumFailed(ILogger logger, string operation, ulong nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} on inode {NodeId} failed unexpectedly; answering EIO")]
    public static partial void UnexpectedFailure(ILogger logger, string operation, ulong nodeId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing inode {NodeId} (handle {Handle}) lost data: {Reason}")]
    public static partial void ReleaseFailed(ILogger logger, ulong nodeId, ulong handle, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reclaimed orphan inode {NodeId} (unlinked while open, now closed)")]
    public static partial void Reclaimed(ILogger logger, ulong nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reclaiming orphan inode {NodeId} failed: {Reason}; the metadata server keeps it until reclaimed")]
    public static partial void ReclaimFailed(ILogger logger, ulong nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "O_APPEND write to inode {NodeId} went to offset {Offset}, the kernel assumed {KernelOffset}; dropping its cached pages")]
    public static partial void AppendMoved(ILogger logger, ulong nodeId, long offset, long kernelOffset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Invalidating the kernel's cache of inode {NodeId} answered {Errno}")]
    public static partial void InvalidationResult(ILogger logger, ulong nodeId, Errno errno);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unmounted with {Count} file(s) still open; flushing and closing them")]
    public static partial void ClosingLeftovers(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "FUSE connection: max_write {MaxWrite}, max_readahead {MaxReadahead}, max_background {MaxBackground}, capabilities 0x{Want:x}")]
    public static partial void Connected(ILogger logger, uint maxWrite, uint maxReadahead, uint maxBackground, uint want);
}
