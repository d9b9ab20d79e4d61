namespace ReplicaFs.Testing.HttpFiles;

/// <summary>One request the runner sent and the status it got back.</summary>
/// <param name="Request">The request as written in the file.</param>
/// <param name="Method">The method sent.</param>
/// <param name="Url">The URL sent, variables expanded.</param>
/// <param name="Status">The status received.</param>
/// <param name="Elapsed">Time from sending to the end of the body.</param>
public sealed record HttpExchange(HttpRequestTemplate Request, string Method, Uri Url, int Status, TimeSpan Elapsed)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Request.Line}: {Method} {Url} -> {Status} ({Elapsed.TotalMilliseconds:0} ms)";
}
