using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ReplicaFs.Client.Quorum;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Turns what an operation threw into the errno the application gets. A <see cref="PosixException"/> carries the exact
/// errno (the metadata server's, straight through); a quorum failure is EIO; a cancelled call EINTR; anything
/// unexpected EIO, logged with its stack.
/// </summary>
internal static class Failures
{
    public static Errno ToErrno(Exception exception, ILogger logger, string operation, ulong nodeId)
    {
        switch (exception)
        {
            case QuorumException quorum:
                ReplicaFsLog.QuorumFailed(logger, operation, nodeId, quorum.Message);
                return Errno.EIO;
            case PosixException posix when posix.Errno == Errno.EIO:
                ReplicaFsLog.OperationFailed(logger, operation, nodeId, posix.Errno, posix.Message);
                return Errno.EIO;
            case PosixException posix when posix.Errno != Errno.None:
                ReplicaFsLog.OperationRefused(logger, operation, nodeId, posix.Errno, posix.Message);
                return posix.Errno;
            case OperationCanceledException:
                return Errno.EINTR;
            case ObjectDisposedException:
                // A handle used after release, or the client shutting down.
                ReplicaFsLog.OperationFailed(logger, operation, nodeId, Errno.EBADF, exception.Message);
                return Errno.EBADF;
            case HttpRequestException or SocketException or IOException or TimeoutException:
                ReplicaFsLog.OperationFailed(logger, operation, nodeId, Errno.EIO, exception.Message);
                return Errno.EIO;
            default:
                ReplicaFsLog.UnexpectedFailure(logger, operation, nodeId, exception);
                return Errno.EIO;
        }
    }
}
