using Microsoft.Data.Sqlite;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Runs parameterized statements on one connection inside one transaction, each prepared once per connection.</summary>
internal sealed class SqliteSession(SqliteStatementCache statements, SqliteTransaction transaction)
{
    /// <summary>Executes a statement; returns the number of rows changed.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = Create(sql, parameters);
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            statements.Return(command);
        }
    }

    /// <summary>The first column of the first row, or null.</summary>
    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = Create(sql, parameters);
        try
        {
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
        finally
        {
            statements.Return(command);
        }
    }

    /// <summary>The first column of the first row as a 64-bit integer (0 when there is no row or it is null).</summary>
    public long Long(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) =>
        Scalar(sql, parameters) is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>Every row, mapped.</summary>
    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = Create(sql, parameters);
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
        finally
        {
            statements.Return(command);
        }
    }

    /// <summary>The first row mapped, or null.</summary>
    public T? QueryFirst<T>(string sql, Func<SqliteDataReader, T> map, params ReadOnlySpan<(string Name, object? Value)> parameters)
        where T : class
    {
        var command = Create(sql, parameters);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? map(reader) : null;
        }
        finally
        {
            statements.Return(command);
        }
    }

    private SqliteCommand Create(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = statements.Rent(sql, transaction);
        try
        {
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            return command;
        }
        catch
        {
            statements.Return(command);
            throw;
        }
    }
}
