namespace ReplicaFs.Api.Hosting;

/// <summary>A server cannot start for a reason the operator can fix (bad data directory, wrong settings); the message says what.</summary>
public sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
