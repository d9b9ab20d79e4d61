using ReplicaFs.Api.Hosting;
using ReplicaFs.Api.Meta.ChunkMap;
using ReplicaFs.Api.Meta.Clients;
using ReplicaFs.Api.Meta.Cluster;
using ReplicaFs.Api.Meta.Events;
using ReplicaFs.Api.Meta.Healing;
using ReplicaFs.Api.Meta.Health;
using ReplicaFs.Api.Meta.Namespace;
using ReplicaFs.Api.Meta.Storage;
using ReplicaFs.Api.Meta.Storage.Sqlite;

namespace ReplicaFs.Api.Meta;

/// <summary>Composition of the metadata server role.</summary>
public static class MetaServer
{
    /// <summary>Builds the metadata server as <paramref name="options"/> says.</summary>
    public static WebApplication Build(MetaServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = ServerHost.CreateBuilder(options, "meta", "ReplicaFs metadata server",
            "Namespace (inodes, directory entries, attributes), chunk map, data server membership and the cluster event log.");
        builder.Services.AddSingleton(options);
        AddMetaServices(builder.Services, options);

        var app = builder.Build();
        ServerHost.UseCommon(app, options);
        app.MapNamespaceEndpoints();
        app.MapExtendedAttributeEndpoints();
        app.MapChunkMapEndpoints();
        app.MapClusterEndpoints();
        app.MapHealthEndpoints();
        app.MapHealingEndpoints();
        app.MapClientEndpoints();
        app.MapEventEndpoints();
        return app;
    }

    private static void AddMetaServices(IServiceCollection services, MetaServerOptions options)
    {
        services.AddSingleton<SqliteMetaDatabase>();
        services.AddSingleton<IMetaDatabase>(sp => sp.GetRequiredService<SqliteMetaDatabase>());
        services.AddSingleton<ActiveClusterSettings>();
        services.AddSingleton(sp => new HeartbeatTracker(sp.GetRequiredService<TimeProvider>(), options.HeartbeatTimeout));
        services.AddSingleton<ServerActivityStore>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<NamespaceReader>();
        services.AddSingleton<NamespaceWriter>();
        services.AddSingleton<RenameService>();
        services.AddSingleton<AttributeService>();
        services.AddSingleton<ExtendedAttributeService>();
        services.AddSingleton<ChunkMapReader>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<CommitService>();
        services.AddSingleton<WriteFailureRecorder>();
        services.AddSingleton<ReplicaReportService>();
        services.AddSingleton<UnavailableChunkNotices>();
        services.AddSingleton<AssignmentService>();
        services.AddSingleton<GarbageCheckService>();
        services.AddSingleton<ReReplicationStatus>();
        services.AddSingleton<ReReplicationPlanner>();
        services.AddSingleton<ClientSessionRegistry>();
        services.AddSingleton<HealthService>();

        // Start-up first: the monitor and the endpoints need the open database and the loaded settings.
        services.AddHostedService<MetaStartup>();
        services.AddHostedService<MembershipMonitor>();
        services.AddHostedService<ReReplicationService>();
        services.AddHostedService<ClientSessionSweeper>();
    }
}
