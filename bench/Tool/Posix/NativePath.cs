using System.Text;

namespace ReplicaFs.Bench.Posix;

/// <summary>A path encoded once as NUL-terminated UTF-8, so that encoding stays outside the timed system call.</summary>
internal sealed class NativePath
{
    public NativePath(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A path cannot contain NUL characters.", nameof(text));
        }

        Text = text;
        var length = Encoding.UTF8.GetByteCount(text);
        Bytes = new byte[length + 1];
        Encoding.UTF8.GetBytes(text, Bytes);
    }

    /// <summary>The path as given.</summary>
    public string Text { get; }

    /// <summary>UTF-8 bytes followed by one NUL.</summary>
    public byte[] Bytes { get; }

    /// <summary>The path of <paramref name="name"/> inside this directory.</summary>
    public NativePath Child(string name) => new(Path.Join(Text, name));

    public override string ToString() => Text;
}
