namespace ReplicaFs.Testing.HttpFiles;

/// <summary>An <c>.http</c> file uses something the runner does not understand; the message names the file and line.</summary>
public sealed class HttpFileFormatException : FormatException
{
    public HttpFileFormatException()
    {
    }

    public HttpFileFormatException(string message)
        : base(message)
    {
    }

    public HttpFileFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/>:<paramref name="line"/>.</summary>
    public HttpFileFormatException(string path, int line, string message)
        : base($"{path}:{line}: {message}")
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file.</summary>
    public string? Path { get; }

    /// <summary>The 1-based line.</summary>
    public int Line { get; }
}
