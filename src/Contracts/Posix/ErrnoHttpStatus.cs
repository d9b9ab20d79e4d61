namespace ReplicaFs.Contracts.Posix;

/// <summary>How a POSIX error is expressed as an HTTP status in ProblemDetails responses.</summary>
public static class ErrnoHttpStatus
{
    /// <summary>ProblemDetails extension that carries the numeric errno.</summary>
    public const string ErrnoExtension = "errno";

    /// <summary>ProblemDetails extension that carries the symbolic errno name (e.g. "ENOENT").</summary>
    public const string CodeExtension = "code";

    /// <summary>The HTTP status that best describes <paramref name="errno"/>.</summary>
    public static int For(Errno errno) => errno switch
    {
        Errno.ENOENT or Errno.ENODATA => 404,
        Errno.EEXIST or Errno.ENOTEMPTY or Errno.ENOTDIR or Errno.EISDIR or Errno.EBUSY
            or Errno.EMLINK or Errno.EXDEV or Errno.ESTALE => 409,
        Errno.EPERM or Errno.EACCES or Errno.EROFS => 403,
        Errno.ENOSPC => 507,
        Errno.EFBIG => 413,
        Errno.ENOSYS or Errno.EOPNOTSUPP => 501,
        Errno.EIO => 502,
        Errno.EAGAIN or Errno.ETIMEDOUT or Errno.ENOTCONN => 503,
        _ => 400,
    };
}
