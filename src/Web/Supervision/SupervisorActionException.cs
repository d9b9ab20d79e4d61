namespace ReplicaFs.Web.Supervision;

/// <summary>A kill or restore that cannot be done; <see cref="StatusCode"/> is the HTTP status the API answers.</summary>
public sealed class SupervisorActionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SupervisorActionException(int statusCode, string title, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Title = title;
    }

    /// <summary>Creates the exception.</summary>
    public SupervisorActionException()
        : this(500, "Supervisor error", "The supervisor could not do that.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public SupervisorActionException(string message)
        : this(500, "Supervisor error", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SupervisorActionException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        Title = "Supervisor error";
    }

    /// <summary>The HTTP status: 404 unknown process, 400 not a data server, 409 wrong state, 500 it did not come up.</summary>
    public int StatusCode { get; }

    /// <summary>A short title.</summary>
    public string Title { get; }
}
