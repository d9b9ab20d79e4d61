using ReplicaFs.Cli.Output;
using ReplicaFs.Contracts.Cluster;

namespace ReplicaFs.Cli.Servers;

/// <summary>Finds a data server by what the operator typed: its name (<c>data-3</c>), its URL, or <c>host:port</c>.</summary>
internal static class ServerResolver
{
    /// <summary>The server meta knows as <paramref name="text"/>, or a <see cref="CliException"/> (bad input) listing the known ones.</summary>
    public static DataServerInfo Resolve(IReadOnlyList<DataServerInfo> servers, string text)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var wanted = text?.Trim() ?? string.Empty;
        var byName = servers.FirstOrDefault(s => string.Equals(s.Name, wanted, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
        {
            return byName;
        }

        var url = Normalize(wanted.Contains("://", StringComparison.Ordinal) ? wanted : "http://" + wanted);
        var byUrl = url is null ? null : servers.FirstOrDefault(s => Normalize(s.Url) == url);
        return byUrl ?? throw CliException.BadInput(
            $"No data server is named '{wanted}' or listens at it. The metadata server knows: " +
            (servers.Count == 0 ? "no data server yet." : string.Join(", ", Display.InNameOrder(servers).Select(s => $"{s.Name} ({s.Url})")) + "."));
    }

    private static string? Normalize(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.Unescaped).ToLowerInvariant()
            : null;
}
