using Refit;
using ReplicaFs.Api.Data.Activity;
using ReplicaFs.Api.Data.Endpoints;
using ReplicaFs.Api.Data.Events;
using ReplicaFs.Api.Data.Faults;
using ReplicaFs.Api.Data.GarbageCollection;
using ReplicaFs.Api.Data.Rebuild;
using ReplicaFs.Api.Data.Registration;
using ReplicaFs.Api.Data.Repair;
using ReplicaFs.Api.Data.Scrub;
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
            "Chunk replicas on disk: versioned, checksummed, verified, scrubbed, repaired and rebuilt from peers.");
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ChunkStore>();
        services.AddSingleton<ServerIdentity>();
        services.AddSingleton<ChunkRepairer>();
        services.AddSingleton<DataServerMetrics>();
        services.AddSingleton<DataServerActivity>();
        services.AddSingleton<DataServerStatusSource>();
        services.AddSingleton<RebuildProgressTracker>();
        services.AddSingleton<ScrubProgressTracker>();
        services.AddSingleton<ScrubFindings>();
        services.AddSingleton<ServerCrashState>();
        services.AddSingleton<CrashService>();
        services.AddSingleton<NetworkFaults>();
        services.AddSingleton<MetaEventPoster>();
        services.AddSingleton<MetaRegistrationService>();
        services.AddSingleton<AssignmentPuller>();
        services.AddSingleton<Scrubber>();
        services.AddSingleton<GarbageCollector>();
        services.AddHealthChecks().AddCheck<CrashHealthCheck>("crash");

        // Registered first: the store is open before anything else starts.
        services.AddHostedService<ChunkStoreStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<MetaRegistrationService>());
        services.AddHostedService(sp => sp.GetRequiredService<AssignmentPuller>());
        services.AddHostedService(sp => sp.GetRequiredService<Scrubber>());
        services.AddHostedService(sp => sp.GetRequiredService<GarbageCollector>());
        services.AddHostedService<DiskSpaceReporter>();

        services.AddTransient<ClusterTokenHandler>();
        services.AddTransient<CutOffHandler>();
        services.AddRefitGeneratedClient<IClusterApi>().ConfigureHttpClient(ConfigureMetaClient)
            .AddHttpMessageHandler<ClusterTokenHandler>().AddHttpMessageHandler<CutOffHandler>();
        services.AddRefitGeneratedClient<IChunkMapApi>().ConfigureHttpClient(ConfigureMetaClient)
            .AddHttpMessageHandler<ClusterTokenHandler>().AddHttpMessageHandler<CutOffHandler>();
        services.AddHttpClient(ChunkRepairer.PeerClient, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<ClusterTokenHandler>().AddHttpMessageHandler<CutOffHandler>();

        var app = builder.Build();
        app.Services.GetRequiredService<DataServerMetrics>();
        ServerHost.UseCommon(app, options);
        if (options.EnableFaults)
        {
            app.UseMiddleware<NetworkFaultMiddleware>();
        }

        app.UseMiddleware<CrashGateMiddleware>();
        app.UseMiddleware<ChunkRequestTimingMiddleware>();
        app.MapChunkEndpoints();
        app.MapStatsEndpoints();
        if (options.AdminToken is { } adminToken)
        {
            app.MapAdminEndpoints(adminToken);
        }

        if (options.EnableFaults)
        {
            app.MapFaultEndpoints(options.AdminToken
                ?? throw new InvalidOperationException("--enable-faults needs an admin token; the command line checks this."));
        }

        return app;

        void ConfigureMetaClient(HttpClient http)
        {
            http.BaseAddress = options.MetaUrl;
            http.Timeout = MetaRegistrationService.CallTimeout;
        }
    }
}
