namespace ReplicaFs.Cli.Demo;

/// <summary>A demo step whose outcome was not the expected one: the demo stops and exits with <see cref="ExitCodes.Degraded"/>.</summary>
internal sealed class DemoStepFailedException : Exception
{
    public DemoStepFailedException()
    {
    }

    public DemoStepFailedException(string message)
        : base(message)
    {
    }

    public DemoStepFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
