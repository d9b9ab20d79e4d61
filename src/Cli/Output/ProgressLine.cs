namespace ReplicaFs.Cli.Output;

/// <summary>
/// Progress of a long-running command on the error stream, so that results (and --json) stay alone on standard
/// output. On a terminal the line is rewritten in place (at most 10 times a second); otherwise a new line is written
/// when the text changed and at least <see cref="PlainInterval"/> passed, so logs stay short.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    /// <summary>How often a changing line is repeated when the error stream is not a terminal.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly TimeProvider _time;
    private string _last = string.Empty;
    private string _pending = string.Empty;
    private long _lastWrite;
    private bool _open;

    public ProgressLine(CliContext context, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _writer = context.Error;
        _terminal = context.ErrorIsTerminal;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Shows <paramref name="text"/> (throttled).</summary>
    public void Report(string text)
    {
        _pending = text;
        if (text == _last)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(_lastWrite);
        if (_lastWrite != 0 && elapsed < (_terminal ? TerminalInterval : PlainInterval))
        {
            return;
        }

        Write(text);
    }

    /// <summary>Writes the final text (or the latest one) if it was not shown yet, and ends the line.</summary>
    public void Complete(string? finalText = null)
    {
        var text = finalText ?? _pending;
        if (text.Length > 0 && text != _last)
        {
            Write(text);
        }

        Dispose();
        _last = string.Empty;
        _pending = string.Empty;
        _lastWrite = 0;
    }

    /// <summary>Ends the line without a final text (so that an error message starts on a line of its own).</summary>
    public void Dispose()
    {
        if (_open)
        {
            _writer.WriteLine();
            _open = false;
        }
    }

    private void Write(string text)
    {
        if (_terminal)
        {
            // Carriage return, the text, then erase what a longer previous text left on the line.
            _writer.Write("\r" + text + "\u001b[K");
            _open = true;
        }
        else
        {
            _writer.WriteLine(text);
        }

        _writer.Flush();
        _last = text;
        _lastWrite = _time.GetTimestamp();
    }
}
