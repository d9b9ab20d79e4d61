namespace ReplicaFs.Client.Http;

/// <summary>Names of the client's HttpClients in <see cref="IHttpClientFactory"/>.</summary>
public static class HttpClientNames
{
    /// <summary>The metadata server.</summary>
    public const string Meta = "ReplicaFs.Meta";

    /// <summary>Every data server (one Refit client per URL, all on this pooled handler).</summary>
    public const string Data = "ReplicaFs.Data";
}
