using System.Globalization;

namespace ReplicaFs.Cli.Cluster;

/// <summary>
/// A local cluster's state directory as <c>./replicafs up</c> records it (docs/operations.md): <c>cluster.conf</c>
/// (<c>key=value</c> lines), <c>admin-token</c> and the run record <c>run</c>.
/// </summary>
internal sealed class StateDirectory
{
    private readonly Dictionary<string, string> _settings;

    private StateDirectory(string path, Dictionary<string, string> settings)
    {
        Path = path;
        _settings = settings;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The metadata server's URL: from the run record while the cluster runs, else from the recorded port.</summary>
    public Uri? MetaUrl
    {
        get
        {
            if (RunRecord.Read(Path)?.Find("meta") is { } meta && Uri.TryCreate(meta.Url, UriKind.Absolute, out var recorded))
            {
                return recorded;
            }

            return int.TryParse(Setting("meta_port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"))
                : null;
        }
    }

    /// <summary>Whether the run record shows a live metadata server (started by <c>./replicafs up</c> on this boot).</summary>
    public bool IsRunning => RunRecord.Read(Path)?.Find("meta") is { IsAlive: true };

    /// <summary>The admin token, or null when the file is missing or empty.</summary>
    public string? AdminToken
    {
        get
        {
            var file = System.IO.Path.Combine(Path, "admin-token");
            try
            {
                var token = File.ReadAllText(file).Trim();
                return token.Length > 0 ? token : null;
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.BadInput($"Cannot read the admin token in {file}: {ex.Message}");
            }
        }
    }

    /// <summary>A value of <c>cluster.conf</c>, or null.</summary>
    public string? Setting(string key) => _settings.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>The state directory at <paramref name="path"/>, or null when it holds no <c>cluster.conf</c>.</summary>
    public static StateDirectory? Open(string path)
    {
        var conf = System.IO.Path.Combine(path, "cluster.conf");
        if (!File.Exists(conf))
        {
            return null;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(conf))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                settings[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return new StateDirectory(path, settings);
    }
}
