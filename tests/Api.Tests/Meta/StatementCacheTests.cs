using Microsoft.Data.Sqlite;
using ReplicaFs.Api.Meta.Storage.Sqlite;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Prepared statements kept per connection: reused, never shared by two running uses, bounded.</summary>
public sealed class StatementCacheTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:;Pooling=False");
    private readonly SqliteStatementCache _statements;

    public StatementCacheTests()
    {
        _connection.Open();
        using var setup = _connection.CreateCommand();
        setup.CommandText = "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');";
        setup.ExecuteNonQuery();
        _statements = new SqliteStatementCache(_connection);
    }

    [Fact]
    public void A_statement_is_prepared_once_and_reused_with_fresh_parameters_each_time()
    {
        using var transaction = _connection.BeginTransaction();
        var session = new SqliteSession(_statements, transaction);

        Assert.Equal("one", session.Scalar("SELECT v FROM t WHERE k = $k", ("$k", 1L)));
        var first = _statements.Rent("SELECT v FROM t WHERE k = $k", transaction);
        Assert.Empty(first.Parameters);
        _statements.Return(first);
        Assert.Equal("three", session.Scalar("SELECT v FROM t WHERE k = $k", ("$k", 3L)));
        var again = _statements.Rent("SELECT v FROM t WHERE k = $k", transaction);
        Assert.Same(first, again);
        _statements.Return(again);
        Assert.Equal(1, _statements.Count);

        // Written rows are seen by the reused statements of the same transaction.
        Assert.Equal(1, session.Execute("UPDATE t SET v = $v WHERE k = $k", ("$v", "uno"), ("$k", 1L)));
        Assert.Equal(["uno", "two", "three"], session.Query("SELECT v FROM t ORDER BY k", r => r.GetString(0)));
        Assert.Equal(3, _statements.Count);
    }

    [Fact]
    public void The_same_statement_used_while_it_runs_gets_a_one_off_command()
    {
        using var transaction = _connection.BeginTransaction();
        var session = new SqliteSession(_statements, transaction);
        const string All = "SELECT k FROM t ORDER BY k";

        // The outer query is still reading when the inner one runs the same SQL.
        var outer = _statements.Rent(All, transaction);
        using (var reader = outer.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal([1L, 2L, 3L], session.Query(All, r => r.GetInt64(0)));
            Assert.True(reader.Read());
            Assert.Equal(2L, reader.GetInt64(0));
        }

        _statements.Return(outer);
        Assert.Equal(1, _statements.Count);
        Assert.Same(outer, _statements.Rent(All, transaction));
    }

    [Fact]
    public void Statements_past_the_bound_are_not_kept()
    {
        using var transaction = _connection.BeginTransaction();
        var session = new SqliteSession(_statements, transaction);
        for (var i = 0; i < SqliteStatementCache.MaxStatements + 10; i++)
        {
            Assert.Equal((long)i, session.Long($"SELECT {i}"));
        }

        Assert.Equal(SqliteStatementCache.MaxStatements, _statements.Count);
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
    }
}
