using ReplicaFs.Testing;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Whole-database invariants of the namespace, checked in SQL on a running server's <c>meta.db</c>.</summary>
public static class NamespaceConsistency
{
    /// <summary>Asserts integrity, foreign keys, link counts and that no entry points to a missing inode.</summary>
    public static void Check(TestCluster cluster)
    {
        using var db = MetaDatabaseFile.Open(cluster);
        using (var integrity = db.CreateCommand())
        {
            integrity.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", integrity.ExecuteScalar() as string);
        }

        using (var foreignKeys = db.CreateCommand())
        {
            foreignKeys.CommandText = "PRAGMA foreign_key_check;";
            using var reader = foreignKeys.ExecuteReader();
            Assert.False(reader.Read(), "A row breaks a foreign key.");
        }

        Assert.Empty(db.Longs("SELECT e.cookie FROM entries e LEFT JOIN inodes i ON i.ino = e.ino WHERE i.ino IS NULL"));
        Assert.Empty(db.Longs("SELECT e.cookie FROM entries e LEFT JOIN inodes i ON i.ino = e.parent WHERE i.ino IS NULL OR i.kind <> 1"));
        // Files and symlinks: nlink is the number of entries pointing at them (orphans have none and nlink 0).
        Assert.Empty(db.Longs(
            "SELECT i.ino FROM inodes i WHERE i.kind <> 1 AND i.nlink <> (SELECT COUNT(*) FROM entries e WHERE e.ino = i.ino)"));
        // Directories: exactly one entry (the root none), nlink 2 + subdirectories.
        Assert.Empty(db.Longs(
            "SELECT i.ino FROM inodes i WHERE i.kind = 1 AND (SELECT COUNT(*) FROM entries e WHERE e.ino = i.ino) <> (CASE WHEN i.ino = 1 THEN 0 ELSE 1 END)"));
        Assert.Empty(db.Longs(
            """
            SELECT d.ino FROM inodes d WHERE d.kind = 1 AND d.nlink <>
                2 + (SELECT COUNT(*) FROM entries e JOIN inodes c ON c.ino = e.ino WHERE e.parent = d.ino AND c.kind = 1)
            """));
        // Chunks belong to existing inodes; servers' replica counts match their replica rows.
        Assert.Empty(db.Longs("SELECT c.id FROM chunks c LEFT JOIN inodes i ON i.ino = c.ino WHERE i.ino IS NULL"));
        Assert.Empty(db.Longs("SELECT s.id FROM servers s WHERE s.replica_count <> (SELECT COUNT(*) FROM replicas r WHERE r.server_id = s.id)"));
    }
}
