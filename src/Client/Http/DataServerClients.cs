using System.Collections.Concurrent;
using Refit;
using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Client.Http;

/// <summary>
/// Creates one Refit <see cref="IDataServerApi"/> per data server URL on the named <see cref="HttpClientNames.Data"/>
/// client, whose <see cref="SocketsHttpHandler"/> pools connections; the clients are cached for the client's lifetime.
/// Timeouts are per call (see <c>ReplicaTransport</c>), so the HttpClient itself has none.
/// </summary>
internal sealed class DataServerClients(IHttpClientFactory httpClientFactory) : IDataServerClients
{
    private static readonly RefitSettings Settings = new();
    private readonly ConcurrentDictionary<string, IDataServerApi> _clients = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public IDataServerApi ForServer(string baseUrl) => _clients.GetOrAdd(baseUrl, Create, httpClientFactory);

    private static IDataServerApi Create(string baseUrl, IHttpClientFactory factory)
    {
        var http = factory.CreateClient(HttpClientNames.Data);
        http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        http.Timeout = Timeout.InfiniteTimeSpan;
        return RestService.For<IDataServerApi>(http, Settings);
    }
}
