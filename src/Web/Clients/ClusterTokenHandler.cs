using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Web.Clients;

/// <summary>Adds the cluster token header to every call, when the cluster runs with one.</summary>
internal sealed class ClusterTokenHandler(string token) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ChunkHeaders.ClusterToken);
        request.Headers.TryAddWithoutValidation(ChunkHeaders.ClusterToken, token);
        return base.SendAsync(request, cancellationToken);
    }
}
