namespace ReplicaFs.Fuse.Mounting;

/// <summary>A mount could not be set up. The message is meant for the operator, as is.</summary>
public sealed class FuseMountException : Exception
{
    public FuseMountException()
        : this("The FUSE mount failed.")
    {
    }

    public FuseMountException(string message)
        : base(message)
    {
    }

    public FuseMountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
