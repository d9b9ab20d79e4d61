using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Data;

/// <summary>Composition of the data server role.</summary>
public static class DataServer
{
    /// <summary>Builds a data server as <paramref name="options"/> says.</summary>
    public static WebApplication Build(DataServerOptions options)
    {
        var builder = ServerHost.CreateBuilder(options, "data", "ReplicaFs data server",
            "Chunk replicas on disk: versioned, checksummed, verified and repaired from peers.");
        builder.Services.AddSingleton(options);

        var app = builder.Build();
        ServerHost.UseCommon(app, options);
        return app;
    }
}
