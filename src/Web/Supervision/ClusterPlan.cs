using System.Globalization;

namespace ReplicaFs.Web.Supervision;

/// <summary>
/// The shape of a local cluster as <c>./replicafs up</c> recorded it in <c>STATE/cluster.conf</c> (<c>key=value</c> lines):
/// replicas, chunk size, the ports of meta, the data servers and the dashboard, and the mount when one is configured.
/// </summary>
/// <param name="Replicas">Replicas per chunk (R).</param>
/// <param name="ChunkSize">Bytes per chunk, or null for the metadata server's default.</param>
/// <param name="MetaPort">The metadata server's port.</param>
/// <param name="DataPorts">The port of every data server the cluster knows, in order (data-1 first).</param>
/// <param name="WebPort">The dashboard's port.</param>
/// <param name="Mount">The FUSE mount, when configured.</param>
public sealed record ClusterPlan(int Replicas, int? ChunkSize, int MetaPort, IReadOnlyList<int> DataPorts, int WebPort, MountPlan? Mount)
{
    /// <summary>The file name inside the state directory.</summary>
    public const string FileName = "cluster.conf";

    /// <summary>Reads <c>cluster.conf</c> from <paramref name="stateDirectory"/>.</summary>
    /// <exception cref="FormatException">The file is missing a key or has a malformed value; the message names it.</exception>
    public static ClusterPlan Load(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new FormatException($"{path} does not exist: start the cluster with ./replicafs up, which writes it.");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a <c>cluster.conf</c>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="FormatException">A key is missing or malformed; the message names it.</exception>
    public static ClusterPlan Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"{source}: '{line}' is not a key=value line.");
            }

            values[line[..equals]] = line[(equals + 1)..];
        }

        var replicas = Number(values, "replicas", source, 1, 16);
        int? chunkSize = values.TryGetValue("chunk_size", out var chunk) && chunk.Length > 0 ? Number(values, "chunk_size", source, 1, int.MaxValue) : null;
        var metaPort = Number(values, "meta_port", source, 1, 65535);
        var dataPorts = Required(values, "data_ports", source)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => ParseNumber(p, "data_ports", source, 1, 65535))
            .ToArray();
        if (dataPorts.Length == 0)
        {
            throw new FormatException($"{source}: data_ports lists no port.");
        }

        var webPort = Number(values, "web_port", source, 1, 65535);
        MountPlan? mount = null;
        if (values.TryGetValue("mount_dir", out var mountDir) && mountDir.Length > 0)
        {
            if (!Path.IsPathFullyQualified(mountDir))
            {
                throw new FormatException($"{source}: mount_dir must be an absolute path, not '{mountDir}'.");
            }

            var readQuorum = Number(values, "read_quorum", source, 1, replicas);
            var writeQuorum = Number(values, "write_quorum", source, 1, replicas);
            mount = new MountPlan(mountDir, readQuorum, writeQuorum);
        }

        var ports = dataPorts.Append(metaPort).Append(webPort).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            throw new FormatException($"{source}: meta_port, data_ports and web_port must all differ ({string.Join(' ', ports)}).");
        }

        return new ClusterPlan(replicas, chunkSize, metaPort, dataPorts, webPort, mount);
    }

    private static string Required(Dictionary<string, string> values, string key, string source) =>
        values.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"{source}: '{key}' is missing; run ./replicafs up again to rewrite it.");

    private static int Number(Dictionary<string, string> values, string key, string source, int min, int max) =>
        ParseNumber(Required(values, key, source), key, source, min, max);

    private static int ParseNumber(string text, string key, string source, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{source}: {key} must be a number from {min} to {max}, not '{text}'.");
}

/// <summary>The FUSE mount of a local cluster.</summary>
/// <param name="Directory">The mount point (absolute).</param>
/// <param name="ReadQuorum">Qr.</param>
/// <param name="WriteQuorum">Qw.</param>
public sealed record MountPlan(string Directory, int ReadQuorum, int WriteQuorum);
