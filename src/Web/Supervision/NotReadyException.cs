namespace ReplicaFs.Web.Supervision;

/// <summary>A process did not become ready (it exited, or the time ran out); <see cref="Exception.Message"/> says why.</summary>
internal sealed class NotReadyException(string name, string message) : Exception(message)
{
    /// <summary>The process that did not become ready.</summary>
    public string Name { get; } = name;
}
