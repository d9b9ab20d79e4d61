using System.IO.Hashing;
using System.Text;
using ReplicaFs.Api.Tests.Meta;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Hostile;

/// <summary>
/// Everything a request could have written in a cluster, as comparable text: the metadata database's contents
/// (volatile heartbeat figures left out), the live client sessions, and every file of every data directory with a hash
/// of its bytes. Plus a check that a canary name, the target of the path traversal attempts, exists nowhere.
/// </summary>
internal static class ClusterSnapshot
{
    /// <summary>The tables and columns that hold state; heartbeat times and storage figures change by themselves.</summary>
    private static readonly (string Table, string Columns)[] Tables =
    [
        ("settings", "key, value"),
        ("inodes", "*"),
        ("entries", "*"),
        ("xattrs", "*"),
        ("chunks", "*"),
        ("replicas", "*"),
        ("leases", "*"),
        ("garbage", "*"),
        ("events", "id, kind, severity, message, source"),
        ("servers", "id, url, instance_id, name, state"),
    ];

    /// <summary>The cluster's state as text, one line per row or file.</summary>
    public static async Task<string> TakeAsync(TestCluster cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var text = new StringBuilder();
        using (var db = MetaDatabaseFile.Open(cluster))
        {
            foreach (var (table, columns) in Tables)
            {
                using var command = db.CreateCommand();
                command.CommandText = $"SELECT {columns} FROM {table} ORDER BY 1, 2";
                using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    text.Append(table).Append(':');
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.GetValue(i);
                        text.Append(' ').Append(value is byte[] blob ? Convert.ToHexString(blob) : value.ToString());
                    }

                    text.Append('\n');
                }
            }
        }

        foreach (var session in await cluster.MetaApi.GetClientsAsync(cancellationToken))
        {
            text.Append("session: ").Append(session.Id).Append(' ').Append(session.Name).Append('\n');
        }

        foreach (var directory in cluster.DataServers.Select(d => d.DataDir).Append(cluster.MetaDataDir))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(cluster.RootDirectory, file);
                text.Append("file: ").Append(relative);
                if (directory != cluster.MetaDataDir && Path.GetFileName(file) != ".lock")
                {
                    // The metadata server's database files change with every heartbeat (their contents are compared above);
                    // a data server's .lock is flock'ed and holds only its pid.
                    text.Append(' ').Append(Convert.ToHexString(XxHash64.Hash(await File.ReadAllBytesAsync(file, cancellationToken))));
                }

                text.Append('\n');
            }

            foreach (var sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                text.Append("dir: ").Append(Path.GetRelativePath(cluster.RootDirectory, sub)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Where a request that escaped a data directory could have put <paramref name="canary"/>; returns those that hold it.</summary>
    public static IReadOnlyList<string> FindCanary(TestCluster cluster, string canary)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var places = new HashSet<string>(StringComparer.Ordinal) { Path.GetTempPath(), "/", RepositoryPaths.Root, Path.GetDirectoryName(RepositoryPaths.ApiDll)!, Environment.CurrentDirectory };
        foreach (var start in cluster.DataServers.Select(d => d.DataDir).Append(cluster.MetaDataDir))
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                places.Add(directory.FullName);
            }
        }

        var found = places.Select(p => Path.Combine(p, canary)).Where(p => File.Exists(p) || Directory.Exists(p)).ToList();
        found.AddRange(Directory.EnumerateFileSystemEntries(cluster.RootDirectory, "*" + canary + "*", SearchOption.AllDirectories));
        return found;
    }

    /// <summary>The first lines where two snapshots differ, for a failure message.</summary>
    public static string Difference(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.Split('\n').ToHashSet(StringComparer.Ordinal);
        var now = after.Split('\n').ToHashSet(StringComparer.Ordinal);
        var lines = old.Except(now).Select(l => "- " + l).Concat(now.Except(old).Select(l => "+ " + l)).Take(20);
        return string.Join('\n', lines);
    }
}
