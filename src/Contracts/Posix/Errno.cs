namespace ReplicaFs.Contracts.Posix;

/// <summary>Linux errno values (x86-64) that ReplicaFs reports, always as positive numbers.</summary>
public enum Errno
{
    /// <summary>No error.</summary>
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EINTR = 4,
    EIO = 5,
    E2BIG = 7,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EFBIG = 27,
    ENOSPC = 28,
    EROFS = 30,
    EMLINK = 31,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENODATA = 61,
    EOVERFLOW = 75,
    EILSEQ = 84,
    EOPNOTSUPP = 95,
    ENOTCONN = 107,
    ETIMEDOUT = 110,
    ESTALE = 116,
}
