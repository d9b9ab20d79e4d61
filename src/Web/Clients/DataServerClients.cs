using Refit;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Web.Hosting;

namespace ReplicaFs.Web.Clients;

/// <summary>Refit clients of one data server: chunks, fault injection and admin actions (the last two carry the admin token).</summary>
public sealed record DataServerClient(IDataServerApi Chunks, IDataFaultsApi Faults, IDataAdminApi Admin);

/// <summary>Makes <see cref="DataServerClient"/>s for data server URLs; the admin token is added here, on the server side.</summary>
public sealed class DataServerClients(IHttpClientFactory httpClients, DashboardOptions options)
{
    /// <summary>The named HttpClient for data servers.</summary>
    public const string HttpClientName = "replicafs-data";

    /// <summary>The clients of the data server at <paramref name="url"/>.</summary>
    public DataServerClient For(string url)
    {
        var baseAddress = new Uri(url);
        var settings = new RefitSettings
        {
            AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(options.AdminToken
                ?? throw new InvalidOperationException("The dashboard has no admin token (start it with --admin-token or REPLICAFS_ADMIN_TOKEN), so it cannot use fault and admin endpoints.")),
        };

        HttpClient Create()
        {
            var client = httpClients.CreateClient(HttpClientName);
            client.BaseAddress = baseAddress;
            return client;
        }

        return new DataServerClient(
            RestService.For<IDataServerApi>(Create(), settings),
            RestService.For<IDataFaultsApi>(Create(), settings),
            RestService.For<IDataAdminApi>(Create(), settings));
    }
}
