using Refit;
using ReplicaFs.Api.Data.Endpoints;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Repair;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Api;

namespace ReplicaFs.Api.Data;

/// <summary>Composition of the data server role.</summary>
public static class DataServer
{
    /// <summary>Builds a data server as <paramref name="options"/> says.</summary>
    public static WebApplication Build(DataServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = ServerHost.CreateBuilder(options, "data", "ReplicaFs data server",
            "Chunk replicas on disk: versioned, checksummed, verified and repaired from peers.");
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ChunkStore>();
        services.AddSingleton<ServerIdentity>();
        services.AddSingleton<ChunkRepairer>();
        services.AddSingleton<DataServerMetrics>();

        // Registered first: the store is open before anything else starts.
        services.AddHostedService<ChunkStoreStartup>();
        services.AddHostedService<MetaRegistrationService>();

        services.AddTransient<ClusterTokenHandler>();
        services.AddRefitGeneratedClient<IClusterApi>()
            .ConfigureHttpClient(http =>
            {
                http.BaseAddress = options.MetaUrl;
                http.Timeout = MetaRegistrationService.CallTimeout;
            })
            .AddHttpMessageHandler<ClusterTokenHandler>();
        services.AddHttpClient(ChunkRepairer.PeerClient, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<ClusterTokenHandler>();

        var app = builder.Build();
        app.Services.GetRequiredService<DataServerMetrics>();
        ServerHost.UseCommon(app, options);
        app.MapChunkEndpoints();
        app.MapStatsEndpoints();
        if (options.EnableFaults)
        {
            app.MapFaultEndpoints(options.AdminToken
                ?? throw new InvalidOperationException("--enable-faults needs an admin token; the command line checks this."));
        }

        return app;
    }
}
