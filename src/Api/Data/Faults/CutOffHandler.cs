using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Api.Data.Faults;

/// <summary>Fails this server's own calls (to the metadata server and to peers) while it is cut off by fault injection.</summary>
internal sealed class CutOffHandler(NetworkFaults faults) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return faults.CutOff == CutOffMode.Off
            ? base.SendAsync(request, cancellationToken)
            : Task.FromException<HttpResponseMessage>(new HttpRequestException(
                $"Cannot reach {request.RequestUri?.Authority}: this data server is cut off from the network (fault injection)."));
    }
}
