using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Registration;

/// <summary>Adds the cluster token header to outgoing calls (to the metadata server and to peers) when the cluster has one.</summary>
internal sealed class ClusterTokenHandler(DataServerOptions options) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.ClusterToken is { } token)
        {
            request.Headers.Remove(ChunkHeaders.ClusterToken);
            request.Headers.Add(ChunkHeaders.ClusterToken, token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
