using System.Text;

namespace ReplicaFs.Web.Supervision;

/// <summary>Reads the kernel's mount table (<c>/proc/self/mountinfo</c>) to tell when a FUSE mount is in place.</summary>
public static class MountTable
{
    /// <summary>Whether a FUSE file system is mounted at <paramref name="directory"/> now.</summary>
    public static bool IsFuseMounted(string directory)
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/mountinfo");
        }
        catch (IOException)
        {
            return false;
        }

        return IsFuseMounted(text, directory);
    }

    /// <summary>Whether <paramref name="mountInfo"/> (the text of a mountinfo file) lists a FUSE mount at <paramref name="directory"/>.</summary>
    public static bool IsFuseMounted(string mountInfo, string directory)
    {
        ArgumentNullException.ThrowIfNull(mountInfo);
        var wanted = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            if (fields[separator + 1].StartsWith("fuse", StringComparison.Ordinal) && Unescape(fields[4]) == wanted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Mount points escape space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string text, int start) =>
        start + 2 < text.Length && text[start] is >= '0' and <= '7' && text[start + 1] is >= '0' and <= '7' && text[start + 2] is >= '0' and <= '7';
}
