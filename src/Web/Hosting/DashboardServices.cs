using Refit;
using ReplicaFs.Client;
using ReplicaFs.Client.Repair;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Web.Actions;
using ReplicaFs.Web.Clients;
using ReplicaFs.Web.Cluster;
using ReplicaFs.Web.Components.Live;
using ReplicaFs.Web.Events;
using ReplicaFs.Web.Files;
using ReplicaFs.Web.Supervision;

namespace ReplicaFs.Web.Hosting;

/// <summary>Registers the dashboard's services: REST clients, the poller, the actions and, locally, the supervisor.</summary>
public static class DashboardServices
{
    /// <summary>Adds the clients of the metadata server and the data servers, the live feed and the actions.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        var meta = services.AddRefitGeneratedClient<IMetadataApi>()
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.MetaUrl;
                client.Timeout = TimeSpan.FromSeconds(30);
            });
        var data = services.AddHttpClient(DataServerClients.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        services.AddHttpClient(ClusterSupervisor.HealthClientName, client => client.Timeout = TimeSpan.FromSeconds(2));
        if (options.ClusterToken is { } token)
        {
            meta.AddHttpMessageHandler(() => new ClusterTokenHandler(token));
            data.AddHttpMessageHandler(() => new ClusterTokenHandler(token));
        }

        services.AddSingleton<IClusterApi>(provider => provider.GetRequiredService<IMetadataApi>());
        services.AddSingleton<DataServerClients>();
        services.AddSingleton<ClusterFeed>();
        services.AddSingleton<IClusterFeed>(provider => provider.GetRequiredService<ClusterFeed>());
        services.AddHostedService(provider => provider.GetRequiredService<ClusterFeed>());
        services.AddSingleton<IServerActions, ServerActions>();
        services.AddSingleton<IFileBrowser, MetaFileBrowser>();
        services.AddSingleton(provider => FileVerifier.Create(
            new ReplicaFsClientOptions
            {
                MetaUrl = options.MetaUrl,
                ClusterToken = options.ClusterToken,
                // Repairs are reported to the metadata server under this name (the event log's source).
                ClientName = $"dashboard:{Environment.MachineName}/{Environment.ProcessId}",
            },
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IFileRepair, ClientFileRepair>();
        services.AddSingleton<IEventArchive, MetaEventArchive>();
        services.AddScoped<ActionRunner>();
        return services;
    }

    /// <summary>Adds the local supervisor of <paramref name="plan"/>'s processes.</summary>
    public static IServiceCollection AddSupervisor(this IServiceCollection services, SupervisorOptions options, ClusterPlan plan)
    {
        services.AddSingleton(options);
        services.AddSingleton(plan);
        services.AddSingleton<ClusterSupervisor>();
        services.AddSingleton<ISupervisedProcesses>(provider => provider.GetRequiredService<ClusterSupervisor>());
        services.AddHostedService(provider => provider.GetRequiredService<ClusterSupervisor>());
        return services;
    }
}
