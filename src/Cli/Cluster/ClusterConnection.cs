using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using ReplicaFs.Cli.Servers;
using ReplicaFs.Client;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Cli.Cluster;

/// <summary>
/// The HTTP clients of one command: the metadata server through ReplicaFs.Client's error-mapped Refit client (every
/// error a <c>PosixException</c> with the server's errno and a readable message), the data servers, and their
/// admin and fault endpoints with the admin token. It registers no client session: a tool that only looks must not
/// change the quorums health judges by.
/// </summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly SocketsHttpHandler _handler;
    private readonly ConcurrentDictionary<string, HttpClient> _byBase = new(StringComparer.Ordinal);

    private ClusterConnection(ClusterTarget target, ServiceProvider services)
    {
        Target = target;
        _services = services;
        Meta = services.GetRequiredService<IMetadataApi>();
        DataServers = services.GetRequiredService<IDataServerClients>();
        _handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
            UseProxy = false,
        };
    }

    /// <summary>Time to open a connection to any server.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Time for one call to a data server's admin, fault or stats endpoint (a crash deletes every chunk file).</summary>
    public static readonly TimeSpan ServerCallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The cluster.</summary>
    public ClusterTarget Target { get; }

    /// <summary>The metadata server.</summary>
    public IMetadataApi Meta { get; }

    /// <summary>Data servers' chunk APIs (pooled, with the cluster token).</summary>
    public IDataServerClients DataServers { get; }

    /// <summary>Options for a <see cref="ReplicaFsClient"/> on this cluster (the demo and repair read and write through one).</summary>
    public ReplicaFsClientOptions ClientOptions(string sessionName, int? readQuorum = null, int? writeQuorum = null) => new()
    {
        MetaUrl = Target.MetaUrl,
        ClusterToken = Target.ClusterToken,
        SessionName = sessionName,
        ReadQuorum = readQuorum,
        WriteQuorum = writeQuorum,
    };

    /// <summary>Connects (nothing is sent until the first call).</summary>
    public static ClusterConnection Open(ClusterTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var options = new ReplicaFsClientOptions
        {
            MetaUrl = target.MetaUrl,
            ClusterToken = target.ClusterToken,
            ConnectTimeout = ConnectTimeout,
            MetaTimeout = TimeSpan.FromSeconds(15),
        };
        return new ClusterConnection(target, new ServiceCollection().AddReplicaFsClientHttp(options).BuildServiceProvider());
    }

    /// <summary>The stats endpoint of a data server.</summary>
    public IDataServerApi Data(string url) => RestService.For<IDataServerApi>(ClientFor(url));

    /// <summary>The fault endpoints of a data server, with the admin token (a <see cref="CliException"/> when there is none).</summary>
    public IDataFaultsApi Faults(string url, string command) => RestService.For<IDataFaultsApi>(ClientFor(url), AdminSettings(command));

    /// <summary>The admin endpoints of a data server, with the admin token.</summary>
    public IDataAdminApi Admin(string url, string command) => RestService.For<IDataAdminApi>(ClientFor(url), AdminSettings(command));

    /// <summary>The local cluster's supervisor (the dashboard started by <c>./replicafs up</c>), with the admin token.</summary>
    public ISupervisorApi Supervisor(Uri url, string command)
    {
        ArgumentNullException.ThrowIfNull(url);
        return RestService.For<ISupervisorApi>(ClientFor(url.ToString()), AdminSettings(command));
    }

    /// <summary>A plain client for <paramref name="baseUrl"/> (the supervisor's API), with the cluster token.</summary>
    public HttpClient ClientFor(string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return _byBase.GetOrAdd(baseUrl.TrimEnd('/') + "/", static (url, self) =>
        {
            var http = new HttpClient(self._handler, disposeHandler: false) { BaseAddress = new Uri(url), Timeout = ServerCallTimeout };
            if (self.Target.ClusterToken is { } token)
            {
                http.DefaultRequestHeaders.TryAddWithoutValidation(ChunkHeaders.ClusterToken, token);
            }

            return http;
        }, this);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var http in _byBase.Values)
        {
            http.Dispose();
        }

        _handler.Dispose();
        await _services.DisposeAsync();
    }

    private RefitSettings AdminSettings(string command)
    {
        var token = Target.RequireAdminToken(command);
        return new RefitSettings { AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(token) };
    }
}
