namespace ReplicaFs.Testing;

/// <summary>One data server of a <see cref="TestCluster"/>.</summary>
public sealed class DataServerHandle
{
    internal DataServerHandle(int index, int port, string dataDir, ServerProcess process)
    {
        Index = index;
        Port = port;
        DataDir = dataDir;
        Process = process;
        Url = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Position in the cluster, from 0.</summary>
    public int Index { get; }

    /// <summary>Name of its directory, "data-{Index + 1}".</summary>
    public string Name => Process.Name;

    /// <summary>Its TCP port (kept across restarts).</summary>
    public int Port { get; }

    /// <summary>Its base URL, as advertised to meta.</summary>
    public Uri Url { get; }

    /// <summary>Its data directory.</summary>
    public string DataDir { get; }

    /// <summary>The process.</summary>
    public ServerProcess Process { get; }

    /// <summary>The URL as the metadata server stores it (no trailing slash).</summary>
    public string UrlText => Url.ToString().TrimEnd('/');
}
