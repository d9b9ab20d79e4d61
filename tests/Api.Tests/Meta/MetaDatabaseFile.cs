using Microsoft.Data.Sqlite;
using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>
/// Direct access to a running metadata server's <c>meta.db</c>, for checks the API cannot express (the garbage
/// list, whole-namespace invariants) and for setting up limits that would take too long to reach through the API.
/// </summary>
public static class MetaDatabaseFile
{
    /// <summary>Opens the database of <paramref name="cluster"/>'s metadata server (read-only unless asked).</summary>
    public static SqliteConnection Open(TestCluster cluster, bool writable = false)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(cluster.MetaDataDir, "meta.db"),
            Mode = writable ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 10000;";
        busy.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs a query and returns the first column of every row as 64-bit integers.</summary>
    public static List<long> Longs(this SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    /// <summary>Runs a statement.</summary>
    public static int Execute(this SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
