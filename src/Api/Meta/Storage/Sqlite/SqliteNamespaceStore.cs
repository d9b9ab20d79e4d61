using System.Text;
using Microsoft.Data.Sqlite;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Inodes, entries and extended attributes in SQLite.</summary>
internal sealed class SqliteNamespaceStore(SqliteSession session) : INamespaceStore
{
    private const string InodeColumns =
        "i.ino, i.kind, i.mode, i.uid, i.gid, i.size, i.nlink, i.atime_s, i.atime_ns, i.mtime_s, i.mtime_ns, i.ctime_s, i.ctime_ns, i.target";

    /// <summary>Bound on the path walk, far above any real depth (PATH_MAX allows at most 2048 components).</summary>
    private const int MaxDepth = 4096;

    /// <inheritdoc />
    public InodeRecord? GetInode(long ino) =>
        session.QueryFirst($"SELECT {InodeColumns} FROM inodes i WHERE i.ino = $ino", r => ReadInode(r, 0), ("$ino", ino));

    /// <inheritdoc />
    public long CountInodes() => session.Long("SELECT COUNT(*) FROM inodes");

    /// <inheritdoc />
    public void CreateRoot(NewInode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Insert(root, 1);
    }

    /// <inheritdoc />
    public InodeRecord CreateInode(NewInode inode)
    {
        ArgumentNullException.ThrowIfNull(inode);
        var ino = Insert(inode, null);
        return new InodeRecord(ino, inode.Kind, inode.Mode, inode.Uid, inode.Gid, inode.Size, inode.Nlink, inode.Time, inode.Time, inode.Time, inode.Target);
    }

    /// <inheritdoc />
    public void UpdateInode(InodeRecord inode)
    {
        ArgumentNullException.ThrowIfNull(inode);
        session.Execute(
            """
            UPDATE inodes SET mode = $mode, uid = $uid, gid = $gid, size = $size, nlink = $nlink,
                atime_s = $as, atime_ns = $ans, mtime_s = $ms, mtime_ns = $mns, ctime_s = $cs, ctime_ns = $cns
            WHERE ino = $ino
            """,
            ("$ino", inode.Ino),
            ("$mode", (long)inode.Mode),
            ("$uid", (long)inode.Uid),
            ("$gid", (long)inode.Gid),
            ("$size", inode.Size),
            ("$nlink", inode.Nlink),
            ("$as", inode.Atime.Seconds),
            ("$ans", inode.Atime.Nanoseconds),
            ("$ms", inode.Mtime.Seconds),
            ("$mns", inode.Mtime.Nanoseconds),
            ("$cs", inode.Ctime.Seconds),
            ("$cns", inode.Ctime.Nanoseconds));
    }

    /// <inheritdoc />
    public void DeleteInode(long ino) => session.Execute("DELETE FROM inodes WHERE ino = $ino", ("$ino", ino));

    /// <inheritdoc />
    public EntryRecord? GetEntry(long parent, string name) =>
        session.QueryFirst(
            "SELECT cookie, parent, name, ino FROM entries WHERE parent = $parent AND name = $name",
            ReadEntry,
            ("$parent", parent),
            ("$name", name));

    /// <inheritdoc />
    public EntryRecord? FindEntryOf(long ino) =>
        session.QueryFirst(
            "SELECT cookie, parent, name, ino FROM entries WHERE ino = $ino ORDER BY cookie LIMIT 1",
            ReadEntry,
            ("$ino", ino));

    /// <inheritdoc />
    public IReadOnlyList<(EntryRecord Entry, InodeRecord Inode)> ListEntries(long directory, long after, int limit) =>
        session.Query(
            $"""
            SELECT {InodeColumns}, e.cookie, e.parent, e.name
            FROM entries e JOIN inodes i ON i.ino = e.ino
            WHERE e.parent = $parent AND e.cookie > $after
            ORDER BY e.cookie
            LIMIT $limit
            """,
            r =>
            {
                var inode = ReadInode(r, 0);
                return (new EntryRecord(r.GetInt64(14), r.GetInt64(15), r.GetString(16), inode.Ino), inode);
            },
            ("$parent", directory),
            ("$after", after),
            ("$limit", limit));

    /// <inheritdoc />
    public bool HasEntries(long directory) =>
        session.Scalar("SELECT 1 FROM entries WHERE parent = $parent LIMIT 1", ("$parent", directory)) is not null;

    /// <inheritdoc />
    public EntryRecord AddEntry(long parent, string name, long ino)
    {
        var cookie = session.Long(
            "INSERT INTO entries (parent, name, ino) VALUES ($parent, $name, $ino) RETURNING cookie",
            ("$parent", parent),
            ("$name", name),
            ("$ino", ino));
        return new EntryRecord(cookie, parent, name, ino);
    }

    /// <inheritdoc />
    public void RemoveEntry(long cookie) => session.Execute("DELETE FROM entries WHERE cookie = $cookie", ("$cookie", cookie));

    /// <inheritdoc />
    public void MoveEntry(long cookie, long newParent, string newName) =>
        session.Execute(
            "UPDATE entries SET parent = $parent, name = $name WHERE cookie = $cookie",
            ("$cookie", cookie),
            ("$parent", newParent),
            ("$name", newName));

    /// <inheritdoc />
    public void RetargetEntry(long cookie, long ino) =>
        session.Execute("UPDATE entries SET ino = $ino WHERE cookie = $cookie", ("$cookie", cookie), ("$ino", ino));

    /// <inheritdoc />
    public string? PathOf(long ino)
    {
        if (ino == 1)
        {
            return "/";
        }

        var names = new List<string>();
        var current = ino;
        while (current != 1)
        {
            if (names.Count >= MaxDepth)
            {
                return null;
            }

            var entry = FindEntryOf(current);
            if (entry is null)
            {
                return null;
            }

            names.Add(entry.Name);
            current = entry.Parent;
        }

        var path = new StringBuilder();
        for (var i = names.Count - 1; i >= 0; i--)
        {
            path.Append('/').Append(names[i]);
        }

        return path.ToString();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListAttributeNames(long ino) =>
        session.Query("SELECT name FROM xattrs WHERE ino = $ino ORDER BY name", r => r.GetString(0), ("$ino", ino));

    /// <inheritdoc />
    public byte[]? GetAttribute(long ino, string name) =>
        session.QueryFirst("SELECT value FROM xattrs WHERE ino = $ino AND name = $name", r => (byte[])r.GetValue(0), ("$ino", ino), ("$name", name));

    /// <inheritdoc />
    public void SetAttribute(long ino, string name, byte[] value) =>
        session.Execute(
            "INSERT INTO xattrs (ino, name, value) VALUES ($ino, $name, $value) ON CONFLICT (ino, name) DO UPDATE SET value = excluded.value",
            ("$ino", ino),
            ("$name", name),
            ("$value", value));

    /// <inheritdoc />
    public bool RemoveAttribute(long ino, string name) =>
        session.Execute("DELETE FROM xattrs WHERE ino = $ino AND name = $name", ("$ino", ino), ("$name", name)) > 0;

    private long Insert(NewInode inode, long? ino) =>
        session.Long(
            """
            INSERT INTO inodes (ino, kind, mode, uid, gid, size, nlink, atime_s, atime_ns, mtime_s, mtime_ns, ctime_s, ctime_ns, target)
            VALUES ($ino, $kind, $mode, $uid, $gid, $size, $nlink, $s, $ns, $s, $ns, $s, $ns, $target)
            RETURNING ino
            """,
            ("$ino", ino),
            ("$kind", (int)inode.Kind),
            ("$mode", (long)inode.Mode),
            ("$uid", (long)inode.Uid),
            ("$gid", (long)inode.Gid),
            ("$size", inode.Size),
            ("$nlink", inode.Nlink),
            ("$s", inode.Time.Seconds),
            ("$ns", inode.Time.Nanoseconds),
            ("$target", inode.Target));

    private static InodeRecord ReadInode(SqliteDataReader r, int o) => new(
        r.GetInt64(o),
        (FileKind)r.GetInt32(o + 1),
        (uint)r.GetInt64(o + 2),
        (uint)r.GetInt64(o + 3),
        (uint)r.GetInt64(o + 4),
        r.GetInt64(o + 5),
        r.GetInt32(o + 6),
        new Timestamp(r.GetInt64(o + 7), r.GetInt32(o + 8)),
        new Timestamp(r.GetInt64(o + 9), r.GetInt32(o + 10)),
        new Timestamp(r.GetInt64(o + 11), r.GetInt32(o + 12)),
        r.IsDBNull(o + 13) ? null : r.GetString(o + 13));

    private static EntryRecord ReadEntry(SqliteDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3));
}
