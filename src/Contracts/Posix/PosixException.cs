namespace ReplicaFs.Contracts.Posix;

/// <summary>
/// A file-system operation failed with a POSIX error. The metadata server turns it into a ProblemDetails
/// response carrying the errno; the client library turns such a response back into this exception, and the
/// FUSE layer answers the kernel with the same errno.
/// </summary>
public class PosixException : Exception
{
    public PosixException(Errno errno, string message)
        : base(message)
    {
        Errno = errno;
    }

    public PosixException(Errno errno, string message, Exception innerException)
        : base(message, innerException)
    {
        Errno = errno;
    }

    public PosixException()
        : this(Errno.EIO, "I/O error")
    {
    }

    public PosixException(string message)
        : this(Errno.EIO, message)
    {
    }

    public PosixException(string message, Exception innerException)
        : this(Errno.EIO, message, innerException)
    {
    }

    /// <summary>The error number, positive.</summary>
    public Errno Errno { get; }
}
