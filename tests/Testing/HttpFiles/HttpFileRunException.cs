namespace ReplicaFs.Testing.HttpFiles;

/// <summary>A request of an <c>.http</c> file could not be sent or did not get the expected status.</summary>
public sealed class HttpFileRunException : Exception
{
    public HttpFileRunException()
    {
    }

    public HttpFileRunException(string message)
        : base(message)
    {
    }

    public HttpFileRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the request at <paramref name="path"/>:<paramref name="line"/>.</summary>
    public HttpFileRunException(string path, int line, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Line = line;
    }

    /// <summary>The file.</summary>
    public string? Path { get; }

    /// <summary>The 1-based line of the request line.</summary>
    public int Line { get; }
}
