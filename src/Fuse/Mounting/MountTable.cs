using System.Globalization;
using System.Text;

namespace ReplicaFs.Fuse.Mounting;

/// <summary>One line of <c>/proc/self/mountinfo</c>.</summary>
/// <param name="MountId">Unique id of the mount (reused only after it is gone).</param>
/// <param name="Device">major:minor of the file system (a FUSE connection is 0:N).</param>
/// <param name="MountPoint">Where it is mounted (unescaped).</param>
/// <param name="FileSystemType">e.g. <c>fuse.replicafs</c>.</param>
/// <param name="Source">e.g. the <c>fsname</c> of a FUSE mount.</param>
public sealed record MountEntry(int MountId, string Device, string MountPoint, string FileSystemType, string Source);

/// <summary>Reads the calling process's mount table (<c>/proc/self/mountinfo</c>).</summary>
public static class MountTable
{
    private const string MountInfoPath = "/proc/self/mountinfo";

    /// <summary>All mounts, in mount order.</summary>
    public static IReadOnlyList<MountEntry> Read()
    {
        var entries = new List<MountEntry>();
        foreach (var line in File.ReadLines(MountInfoPath))
        {
            if (Parse(line) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>The topmost mount on <paramref name="mountPoint"/>, if any.</summary>
    public static MountEntry? Find(string mountPoint)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        return Read().LastOrDefault(e => e.MountPoint == full);
    }

    /// <summary>
    /// Whether <paramref name="entry"/> is still attached. Mount ids and FUSE device numbers are reused as soon as a
    /// mount is gone, so the id, the device and the mount point must all match.
    /// </summary>
    public static bool Contains(MountEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Read().Any(e => e.MountId == entry.MountId && e.Device == entry.Device && e.MountPoint == entry.MountPoint);
    }

    /// <summary>Parses "36 35 98:0 /root /mnt opts [optional...] - type source superopts".</summary>
    private static MountEntry? Parse(string line)
    {
        var fields = line.Split(' ');
        var separator = Array.IndexOf(fields, "-", 6);
        if (fields.Length < 7 || separator < 0 || separator + 2 >= fields.Length)
        {
            return null;
        }

        return int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? new MountEntry(id, fields[2], Unescape(fields[4]), fields[separator + 1], Unescape(fields[separator + 2]))
            : null;
    }

    /// <summary>The kernel writes space, tab, newline and backslash as \ooo octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string field, int start) =>
        start + 2 < field.Length && field[start] is >= '0' and <= '3' && field[start + 1] is >= '0' and <= '7' && field[start + 2] is >= '0' and <= '7';
}
