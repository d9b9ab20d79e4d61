using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Data.Registration;

/// <summary>Who this data server is: the URL it advertises, its name and the id the metadata server gave it.</summary>
internal sealed class ServerIdentity(DataServerOptions options, IServer server)
{
    private string? _url;
    private int _serverId;

    /// <summary>
    /// The URL advertised to the metadata server and peers, without a trailing slash: <c>--advertise-url</c>, or
    /// <c>http://LISTEN:PORT</c> with the port Kestrel actually bound.
    /// </summary>
    public string Url => _url ??= ResolveUrl();

    /// <summary>The id assigned by the metadata server; null until registered (and again when it asks to re-register).</summary>
    public int? ServerId
    {
        get => Volatile.Read(ref _serverId) is var id and > 0 ? id : null;
        set => Volatile.Write(ref _serverId, value ?? 0);
    }

    /// <summary>
    /// The name this server goes by in events and replica reports: <c>--name</c>, or the metadata server's default
    /// "data-{id}" once registered, or its URL before that.
    /// </summary>
    public string Name => options.Name ?? (ServerId is { } id ? DataServerName.Default(id) : Url);

    /// <summary>Fails start-up when no usable URL can be derived: a wildcard listen address needs <c>--advertise-url</c>.</summary>
    public static void CheckAdvertisable(DataServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AdvertiseUrl is null && (options.Listen.Equals(IPAddress.Any) || options.Listen.Equals(IPAddress.IPv6Any)))
        {
            throw new StartupException(
                $"Listening on {options.Listen} needs --advertise-url: peers and the metadata server cannot reach a wildcard address.");
        }
    }

    private string ResolveUrl()
    {
        if (options.AdvertiseUrl is { } advertised)
        {
            return advertised.ToString().TrimEnd('/');
        }

        var port = options.Port;
        if (port == 0)
        {
            var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The server is not listening yet.");
            port = new Uri(bound).Port;
        }

        var host = options.Listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{options.Listen}]"
            : options.Listen.ToString();
        return $"http://{host}:{port}";
    }
}
