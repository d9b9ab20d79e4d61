using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Client.Http;

/// <summary>One Refit client per data server base URL.</summary>
public interface IDataServerClients
{
    /// <summary>The client of the data server at <paramref name="baseUrl"/> (created once, then reused).</summary>
    IDataServerApi ForServer(string baseUrl);
}
