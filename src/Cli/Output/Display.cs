using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Output;

/// <summary>Short forms of things shown in many places.</summary>
internal static class Display
{
    /// <summary>A base URL without the trailing slash <see cref="Uri"/> adds.</summary>
    public static string Url(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.ToString().TrimEnd('/');
    }

    /// <summary>"data-3 (http://127.0.0.1:51237)".</summary>
    public static string Server(DataServerInfo server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return $"{server.Name} ({server.Url})";
    }

    /// <summary>Data servers in name order, with numbers compared as numbers (data-2 before data-10).</summary>
    public static IReadOnlyList<DataServerInfo> InNameOrder(IEnumerable<DataServerInfo> servers) =>
        [.. servers.OrderBy(s => s.Name.TrimEnd("0123456789".ToCharArray()), StringComparer.OrdinalIgnoreCase)
            .ThenBy(s => s.Name.Length)
            .ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
}
