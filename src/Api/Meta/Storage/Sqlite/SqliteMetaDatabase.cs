using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>
/// <c>DATA_DIR/meta.db</c>: SQLite in WAL mode with <c>synchronous=FULL</c>, so a transaction that committed survives
/// a kill -9 or a power cut. One writer connection behind an async lock serializes every mutation (each one
/// <c>BEGIN IMMEDIATE</c> … <c>COMMIT</c>); reads run on a small pool of read-only connections and see a snapshot.
/// A lock file keeps a second metadata server off the same directory.
/// </summary>
internal sealed partial class SqliteMetaDatabase(ILogger<SqliteMetaDatabase> logger) : IMetaDatabase, IDisposable
{
    /// <summary>File name of the database inside the data directory.</summary>
    public const string FileName = "meta.db";

    private const int MaxIdleReaders = 8;
    private const int BusyTimeoutMs = 5000;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentBag<SqliteStatementCache> _idleReaders = [];
    private SqliteStatementCache? _writer;
    private FileStream? _lock;
    private string? _connectionString;

    /// <summary>Path of the database file, once open.</summary>
    public string? Path { get; private set; }

    /// <summary>Opens (creating if needed) the database in <paramref name="dataDir"/> and migrates its schema.</summary>
    public void Open(DirectoryInfo dataDir)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        try
        {
            dataDir.Create();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Cannot create the data directory {dataDir.FullName}: {ex.Message}", ex);
        }

        var lockPath = System.IO.Path.Combine(dataDir.FullName, "meta.lock");
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) that the kernel drops when the process dies.
            _lock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StartupException($"{dataDir.FullName} is in use by another metadata server ({lockPath} is locked).", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StartupException($"Cannot open {lockPath}: {ex.Message}", ex);
        }

        Path = System.IO.Path.Combine(dataDir.FullName, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();

        try
        {
            var writer = new SqliteConnection(_connectionString);
            writer.Open();
            var journal = Pragma(writer, "journal_mode = WAL");
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new StartupException($"{Path}: SQLite refused WAL mode (journal_mode is '{journal}').");
            }

            Pragma(writer, "synchronous = FULL");
            Pragma(writer, "foreign_keys = ON");
            Pragma(writer, $"busy_timeout = {BusyTimeoutMs}");
            SqliteSchema.Migrate(writer);
            _writer = new SqliteStatementCache(writer);
            LogOpened(logger, Path, SqliteSchema.CurrentVersion);
        }
        catch (SqliteException ex)
        {
            throw new StartupException($"Cannot open {Path}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public Task<T> ReadAsync<T>(Func<IMetaTransaction, T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        cancellationToken.ThrowIfCancellationRequested();
        var reader = RentReader();
        try
        {
            using var transaction = reader.Connection.BeginTransaction(deferred: true);
            var result = read(new SqliteMetaTransaction(new SqliteSession(reader, transaction)));
            transaction.Commit();
            return Task.FromResult(result);
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    /// <inheritdoc />
    public async Task<T> WriteAsync<T>(Func<IMetaTransaction, T> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var writer = _writer ?? throw new InvalidOperationException("The metadata database is not open.");
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // BEGIN IMMEDIATE: the write lock is taken up front, so the transaction never fails half-way on a lock upgrade.
            using var transaction = writer.Connection.BeginTransaction(deferred: false);
            var result = write(new SqliteMetaTransaction(new SqliteSession(writer, transaction)));
            transaction.Commit();
            return result;
        }
        catch (SqliteException ex)
        {
            throw Translate(ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        while (_idleReaders.TryTake(out var reader))
        {
            Close(reader);
        }

        if (_writer is { } writer)
        {
            Close(writer);
        }

        _writer = null;
        _lock?.Dispose();
        _lock = null;
        _writeGate.Dispose();
    }

    private SqliteStatementCache RentReader()
    {
        if (_idleReaders.TryTake(out var idle))
        {
            return idle;
        }

        var connection = new SqliteConnection(_connectionString ?? throw new InvalidOperationException("The metadata database is not open."));
        connection.Open();
        Pragma(connection, "query_only = ON");
        Pragma(connection, $"busy_timeout = {BusyTimeoutMs}");
        return new SqliteStatementCache(connection);
    }

    private void ReturnReader(SqliteStatementCache reader)
    {
        if (_idleReaders.Count < MaxIdleReaders)
        {
            _idleReaders.Add(reader);
        }
        else
        {
            Close(reader);
        }
    }

    /// <summary>Finalizes the prepared statements, then closes their connection.</summary>
    private static void Close(SqliteStatementCache statements)
    {
        statements.Dispose();
        statements.Connection.Dispose();
    }

    private static string? Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant pragmas of this class.
        command.CommandText = $"PRAGMA {pragma};";
#pragma warning restore CA2100
        return command.ExecuteScalar()?.ToString();
    }

    /// <summary>Storage failures the client can understand become errno values; anything else stays a server error.</summary>
    private static Exception Translate(SqliteException ex) => ex.SqliteErrorCode switch
    {
        13 => new PosixException(Errno.ENOSPC, "The metadata server's disk is full.", ex),             // SQLITE_FULL
        5 or 6 => new PosixException(Errno.EAGAIN, "The metadata database is busy; retry.", ex),        // SQLITE_BUSY, SQLITE_LOCKED
        10 => new PosixException(Errno.EIO, $"The metadata database failed an I/O: {ex.Message}", ex),  // SQLITE_IOERR
        _ => ex,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Metadata database {Path} open (schema version {Version}, WAL, synchronous=FULL).")]
    private static partial void LogOpened(ILogger logger, string path, int version);
}
