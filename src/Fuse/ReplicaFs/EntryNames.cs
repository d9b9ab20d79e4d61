using System.Text;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>
/// Directory entry names as the kernel sends them (raw bytes) and as the metadata server stores them (UTF-8 strings).
/// A name longer than 255 bytes is ENAMETOOLONG; a name that is not valid UTF-8 cannot exist in ReplicaFs, so creating
/// one is EILSEQ and looking one up finds nothing.
/// </summary>
internal static class EntryNames
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes a name; <see cref="Errno.None"/> on success, else ENAMETOOLONG or EILSEQ.</summary>
    public static Errno Decode(ReadOnlySpan<byte> name, out string value)
    {
        value = string.Empty;
        if (name.Length > FileNames.MaxNameBytes)
        {
            return Errno.ENAMETOOLONG;
        }

        if (!System.Text.Unicode.Utf8.IsValid(name))
        {
            return Errno.EILSEQ;
        }

        value = Strict.GetString(name);
        return Errno.None;
    }

    /// <summary>Decodes a symlink target (up to PATH_MAX − 1 bytes); EILSEQ or ENAMETOOLONG when it cannot be stored.</summary>
    public static Errno DecodeTarget(ReadOnlySpan<byte> target, out string value)
    {
        value = string.Empty;
        if (target.Length > FileNames.MaxSymlinkTargetBytes)
        {
            return Errno.ENAMETOOLONG;
        }

        if (!System.Text.Unicode.Utf8.IsValid(target))
        {
            return Errno.EILSEQ;
        }

        value = Strict.GetString(target);
        return Errno.None;
    }

    /// <summary>The longest UTF-8 encoding of a stored name (at most 255 bytes; a little room for safety).</summary>
    public const int MaxEncodedBytes = 1024;

    /// <summary>Writes the UTF-8 bytes of a stored name into <paramref name="destination"/>; returns the count.</summary>
    public static int Encode(string name, Span<byte> destination) => Strict.GetBytes(name, destination);
}
