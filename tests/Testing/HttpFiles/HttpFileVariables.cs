using System.Globalization;

namespace ReplicaFs.Testing.HttpFiles;

/// <summary>The file variables a test overrides so that an <c>.http</c> file talks to the servers under test.</summary>
public static class HttpFileVariables
{
    /// <summary>
    /// <c>meta</c>, <c>data</c>, <c>data2</c>, … (one per data server) and <c>adminToken</c> of
    /// <paramref name="cluster"/>; URLs without a trailing slash, as the files write <c>{{meta}}/healthz</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(TestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return For(cluster.MetaUrl, cluster.DataServers.Select(d => d.Url), cluster.Options.AdminToken);
    }

    /// <summary>The same variables for servers started some other way.</summary>
    public static IReadOnlyDictionary<string, string> For(Uri meta, IEnumerable<Uri> dataServers, string adminToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(dataServers);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["meta"] = Text(meta),
            ["adminToken"] = adminToken,
        };
        var index = 1;
        foreach (var data in dataServers)
        {
            variables[index == 1 ? "data" : string.Create(CultureInfo.InvariantCulture, $"data{index}")] = Text(data);
            index++;
        }

        return variables;
    }

    private static string Text(Uri url) => url.ToString().TrimEnd('/');
}
