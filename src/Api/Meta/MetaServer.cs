using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Meta;

/// <summary>Composition of the metadata server role.</summary>
public static class MetaServer
{
    /// <summary>Builds the metadata server as <paramref name="options"/> says.</summary>
    public static WebApplication Build(MetaServerOptions options)
    {
        var builder = ServerHost.CreateBuilder(options, "meta", "ReplicaFs metadata server",
            "Namespace (inodes, directory entries, attributes), chunk map, data server membership and the cluster event log.");
        builder.Services.AddSingleton(options);

        var app = builder.Build();
        ServerHost.UseCommon(app, options);
        return app;
    }
}
