using System.Text;

namespace ReplicaFs.Cli.Demo;

/// <summary>
/// Passes text on to another writer with every line indented (a nested command's output inside the narration) and
/// keeps a copy, so that the demo can check what the command printed.
/// </summary>
internal sealed class IndentingWriter(TextWriter inner, string indent) : TextWriter
{
    private readonly StringBuilder _copy = new();
    private readonly Lock _gate = new();
    private bool _atLineStart = true;

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _copy.ToString();
            }
        }
    }

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\r')
            {
                return;
            }

            if (_atLineStart && value != '\n')
            {
                inner.Write(indent);
            }

            inner.Write(value);
            _copy.Append(value);
            _atLineStart = value == '\n';
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        foreach (var c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();
}
