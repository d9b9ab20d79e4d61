using Microsoft.Data.Sqlite;
using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>
/// The schema of <c>meta.db</c>, versioned with <c>PRAGMA user_version</c>. Migration <c>n</c> takes the database
/// from version <c>n</c> to <c>n + 1</c> in one transaction; migrations are only ever appended, never edited.
/// docs/metadata-server.md describes every table.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The schema version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    private static readonly string[] Migrations =
    [
        // 0 → 1: the initial schema.
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE inodes (
            ino      INTEGER PRIMARY KEY AUTOINCREMENT,
            kind     INTEGER NOT NULL CHECK (kind IN (0, 1, 2)),
            mode     INTEGER NOT NULL,
            uid      INTEGER NOT NULL,
            gid      INTEGER NOT NULL,
            size     INTEGER NOT NULL CHECK (size >= 0),
            nlink    INTEGER NOT NULL CHECK (nlink >= 0),
            atime_s  INTEGER NOT NULL,
            atime_ns INTEGER NOT NULL,
            mtime_s  INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            ctime_s  INTEGER NOT NULL,
            ctime_ns INTEGER NOT NULL,
            target   TEXT
        );
        CREATE INDEX inodes_orphans ON inodes (ino) WHERE nlink = 0;

        CREATE TABLE entries (
            cookie INTEGER PRIMARY KEY AUTOINCREMENT,
            parent INTEGER NOT NULL REFERENCES inodes (ino),
            name   TEXT NOT NULL,
            ino    INTEGER NOT NULL REFERENCES inodes (ino),
            UNIQUE (parent, name)
        );
        CREATE INDEX entries_by_parent ON entries (parent, cookie);
        CREATE INDEX entries_by_ino ON entries (ino);

        CREATE TABLE xattrs (
            ino   INTEGER NOT NULL REFERENCES inodes (ino) ON DELETE CASCADE,
            name  TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (ino, name)
        ) WITHOUT ROWID;

        CREATE TABLE servers (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            url            TEXT NOT NULL UNIQUE,
            instance_id    TEXT NOT NULL,
            state          INTEGER NOT NULL,
            registered_at  INTEGER NOT NULL,
            last_heartbeat INTEGER NOT NULL,
            chunk_count    INTEGER NOT NULL,
            bytes_stored   INTEGER NOT NULL,
            capacity_bytes INTEGER NOT NULL,
            free_bytes     INTEGER NOT NULL,
            replica_count  INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE chunks (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            ino      INTEGER NOT NULL REFERENCES inodes (ino),
            idx      INTEGER NOT NULL CHECK (idx >= 0),
            version  INTEGER NOT NULL,
            length   INTEGER NOT NULL CHECK (length >= 0),
            checksum TEXT NOT NULL,
            UNIQUE (ino, idx)
        );

        CREATE TABLE replicas (
            chunk_id  INTEGER NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
            server_id INTEGER NOT NULL REFERENCES servers (id),
            state     INTEGER NOT NULL,
            version   INTEGER NOT NULL,
            PRIMARY KEY (chunk_id, server_id)
        ) WITHOUT ROWID;
        CREATE INDEX replicas_by_server ON replicas (server_id, state);

        -- servers.replica_count follows the replica rows, so placement never has to count them.
        CREATE TRIGGER replicas_counted AFTER INSERT ON replicas
        BEGIN
            UPDATE servers SET replica_count = replica_count + 1 WHERE id = NEW.server_id;
        END;
        CREATE TRIGGER replicas_uncounted AFTER DELETE ON replicas
        BEGIN
            UPDATE servers SET replica_count = replica_count - 1 WHERE id = OLD.server_id;
        END;

        CREATE TABLE leases (
            chunk_id   INTEGER NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
            version    INTEGER NOT NULL,
            granted_at INTEGER NOT NULL,
            PRIMARY KEY (chunk_id, version)
        ) WITHOUT ROWID;

        CREATE TABLE garbage (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            chunk_id  INTEGER NOT NULL,
            server_id INTEGER NOT NULL REFERENCES servers (id),
            ino       INTEGER NOT NULL,
            idx       INTEGER NOT NULL,
            version   INTEGER NOT NULL,
            reason    TEXT NOT NULL,
            queued_at INTEGER NOT NULL
        );
        CREATE INDEX garbage_by_server ON garbage (server_id, id);

        CREATE TABLE events (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            time      INTEGER NOT NULL,
            kind      TEXT NOT NULL,
            severity  INTEGER NOT NULL,
            message   TEXT NOT NULL,
            source    TEXT NOT NULL,
            server_id INTEGER,
            ino       INTEGER,
            chunk_id  INTEGER,
            path      TEXT
        );
        """,

        // 1 → 2: server names, state times and rebuild counts; the stored length of a chunk's committed version;
        // indexes for garbage checks and re-replication.
        """
        ALTER TABLE servers ADD COLUMN name TEXT;
        UPDATE servers SET name = 'data-' || id;
        CREATE UNIQUE INDEX servers_by_name ON servers (name COLLATE NOCASE);
        ALTER TABLE servers ADD COLUMN state_since INTEGER NOT NULL DEFAULT 0;
        UPDATE servers SET state_since = last_heartbeat;
        ALTER TABLE servers ADD COLUMN rebuilt_replicas INTEGER NOT NULL DEFAULT 0;

        ALTER TABLE chunks ADD COLUMN stored_length INTEGER NOT NULL DEFAULT 0;
        UPDATE chunks SET stored_length = length;

        CREATE INDEX garbage_by_chunk ON garbage (chunk_id, server_id);
        """,
    ];

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; refuses a database written by a newer build.</summary>
    public static void Migrate(SqliteConnection connection) => Migrate(connection, CurrentVersion);

    /// <summary>Brings the database to <paramref name="targetVersion"/> (tests build databases of older versions this way).</summary>
    public static void Migrate(SqliteConnection connection, int targetVersion)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, CurrentVersion);
        var version = ReadVersion(connection);
        if (version > CurrentVersion)
        {
            throw new StartupException(
                $"{connection.DataSource} has schema version {version}, but this build only knows versions up to {CurrentVersion}. Run a newer ReplicaFs.");
        }

        for (; version < targetVersion; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
#pragma warning disable CA2100 // Constant migration scripts.
            command.CommandText = $"{Migrations[version]}\nPRAGMA user_version = {version + 1};";
#pragma warning restore CA2100
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>The schema version stored in the database (0 for a new file).</summary>
    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
