namespace ReplicaFs.Web.Cluster;

/// <summary>
/// One part of the cluster's state as last fetched: nothing yet (loading), a value, an error, or the last good value
/// together with the error that followed it (stale).
/// </summary>
/// <param name="Value">The last value fetched, if any.</param>
/// <param name="Error">Why the last fetch failed; null when it succeeded.</param>
/// <param name="SucceededAt">When the value was fetched.</param>
public sealed record Fetched<T>(T? Value, string? Error, DateTimeOffset? SucceededAt)
    where T : class
{
    /// <summary>Whether nothing was fetched yet and nothing failed.</summary>
    public bool IsLoading => Value is null && Error is null;

    /// <summary>Whether the value is the last good one, and the latest fetch failed.</summary>
    public bool IsStale => Value is not null && Error is not null;

    /// <summary>A failed fetch; the last good value is kept (shown as stale).</summary>
    public Fetched<T> Failure(string error) => this with { Error = error };
}

/// <summary>Creates <see cref="Fetched{T}"/> values.</summary>
public static class Fetched
{
    /// <summary>Nothing fetched yet.</summary>
    public static Fetched<T> Loading<T>()
        where T : class => new(null, null, null);

    /// <summary>A successful fetch.</summary>
    public static Fetched<T> Success<T>(T value, DateTimeOffset at)
        where T : class => new(value, null, at);
}
