using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Refit;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Client;

/// <summary>Registers the HTTP side of the client in a service collection.</summary>
public static class ReplicaFsClientHttp
{
    /// <summary>
    /// Registers the named HttpClients (<see cref="HttpClientNames"/>: pooled <see cref="SocketsHttpHandler"/>s with a
    /// connect timeout, the cluster token, no per-request logging), the error-mapped Refit <see cref="IMetadataApi"/>
    /// and <see cref="IDataServerClients"/> (one Refit client per data server URL).
    /// </summary>
    public static IServiceCollection AddReplicaFsClientHttp(this IServiceCollection services, ReplicaFsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var meta = services.AddHttpClient(HttpClientNames.Meta, http =>
            {
                http.BaseAddress = options.MetaUrl;
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => CreateHandler(options, 16))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new MetaTimeoutHandler(options.MetaTimeout))
            .RemoveAllLoggers();
        var data = services.AddHttpClient(HttpClientNames.Data, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => CreateHandler(options, options.MaxConnectionsPerServer))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        if (!string.IsNullOrEmpty(options.ClusterToken))
        {
            meta.AddHttpMessageHandler(() => new ClusterTokenHandler(options.ClusterToken));
            data.AddHttpMessageHandler(() => new ClusterTokenHandler(options.ClusterToken));
        }

        services.TryAddSingleton<IDataServerClients, DataServerClients>();
        services.TryAddSingleton(sp => RestService.For<IMetadataApi>(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientNames.Meta),
            new RefitSettings
            {
                ExceptionFactory = MetaErrors.FromResponseAsync,
                TransportExceptionFactory = MetaErrors.FromTransport,
            }));
        return services;
    }

    private static SocketsHttpHandler CreateHandler(ReplicaFsClientOptions options, int connectionsPerServer) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        MaxConnectionsPerServer = connectionsPerServer,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    };
}
