using System.Text;

namespace ReplicaFs.Contracts.Posix;

/// <summary>The rules a single path component must follow, shared by the servers and the clients.</summary>
public static class FileNames
{
    /// <summary>NAME_MAX of Linux: the longest name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>PATH_MAX of Linux: the longest path, in bytes, including the terminating NUL.</summary>
    public const int MaxPathBytes = 4096;

    /// <summary>The longest symlink target, in bytes (PATH_MAX without the NUL).</summary>
    public const int MaxSymlinkTargetBytes = MaxPathBytes - 1;

    /// <summary>
    /// Checks that <paramref name="name"/> can name a directory entry: not empty, not "." or "..",
    /// no '/' and no NUL, at most 255 UTF-8 bytes.
    /// </summary>
    /// <returns><see cref="Errno.None"/> when valid, else EINVAL or ENAMETOOLONG.</returns>
    public static Errno Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name == "." || name == "..")
        {
            return Errno.EINVAL;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return Errno.EINVAL;
        }

        // Lone surrogates cannot be encoded as UTF-8: such a name could never be listed back.
        if (!IsWellFormedUtf16(name))
        {
            return Errno.EILSEQ;
        }

        return Encoding.UTF8.GetByteCount(name) > MaxNameBytes ? Errno.ENAMETOOLONG : Errno.None;
    }

    /// <summary>Throws <see cref="PosixException"/> when <paramref name="name"/> is not a valid entry name.</summary>
    public static void EnsureValid(string? name)
    {
        var errno = Validate(name);
        if (errno != Errno.None)
        {
            throw new PosixException(errno, errno switch
            {
                Errno.ENAMETOOLONG => $"The name is longer than {MaxNameBytes} bytes.",
                Errno.EILSEQ => "The name is not valid Unicode.",
                _ => "A name must not be empty, \".\", \"..\", or contain '/' or NUL.",
            });
        }
    }

    private static bool IsWellFormedUtf16(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
