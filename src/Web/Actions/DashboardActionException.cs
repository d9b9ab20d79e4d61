namespace ReplicaFs.Web.Actions;

/// <summary>A dashboard action failed; the message says what happened, for the operator.</summary>
public sealed class DashboardActionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DashboardActionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DashboardActionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DashboardActionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
