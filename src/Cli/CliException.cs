namespace ReplicaFs.Cli;

/// <summary>A failure the user should read: the message is printed as it is and the process exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : this(ExitCodes.Failed, message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failed;
    }

    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process's exit code (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = ExitCodes.Failed;

    /// <summary>Bad input: nothing was changed.</summary>
    public static CliException BadInput(string message) => new(ExitCodes.BadInput, message);

    /// <summary>The command could not do its work.</summary>
    public static CliException Failed(string message, Exception? inner = null) => new(ExitCodes.Failed, message, inner);
}
