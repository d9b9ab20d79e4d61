using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Files;

/// <summary>Create a regular file.</summary>
/// <param name="Name">Name of the new entry.</param>
/// <param name="Mode">Permission bits (type bits are ignored).</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Exclusive">When false and a regular file of that name exists, it is returned instead of EEXIST (O_CREAT without O_EXCL).</param>
public sealed record CreateFileRequest([property: Required] string Name, uint Mode, uint Uid, uint Gid, bool Exclusive = true);

/// <summary>Create a directory.</summary>
public sealed record MakeDirectoryRequest([property: Required] string Name, uint Mode, uint Uid, uint Gid);

/// <summary>Create a symbolic link <paramref name="Name"/> pointing to <paramref name="Target"/>.</summary>
public sealed record CreateSymlinkRequest([property: Required] string Name, [property: Required] string Target, uint Uid, uint Gid);

/// <summary>Create a hard link <paramref name="Name"/> to the existing inode <paramref name="Ino"/>.</summary>
public sealed record LinkRequest([property: Required] string Name, long Ino);

/// <summary>How a rename treats an existing target.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RenameMode>))]
public enum RenameMode
{
    /// <summary>Replace an existing target following POSIX rules.</summary>
    Replace = 0,

    /// <summary>Fail with EEXIST if the target exists (RENAME_NOREPLACE).</summary>
    NoReplace = 1,

    /// <summary>Atomically swap source and target, both must exist (RENAME_EXCHANGE).</summary>
    Exchange = 2,
}

/// <summary>Rename or move a directory entry.</summary>
/// <param name="Parent">Directory holding the source.</param>
/// <param name="Name">Source name.</param>
/// <param name="NewParent">Directory receiving the entry.</param>
/// <param name="NewName">Target name.</param>
/// <param name="Mode">Replace, no-replace or exchange.</param>
/// <param name="KeepOrphan">If the replaced target loses its last link, keep its inode (nlink 0) until reclaimed, because a client still has it open.</param>
public sealed record RenameRequest(long Parent, [property: Required] string Name, long NewParent, [property: Required] string NewName, RenameMode Mode = RenameMode.Replace, bool KeepOrphan = false);

/// <summary>Change some attributes of an inode; null fields stay as they are.</summary>
/// <param name="Mode">New permission bits.</param>
/// <param name="Uid">New owner.</param>
/// <param name="Gid">New group.</param>
/// <param name="Size">New size: shrinking drops the data beyond it, growing reads as zeros.</param>
/// <param name="Atime">New access time.</param>
/// <param name="Mtime">New modification time.</param>
/// <param name="AtimeNow">Set the access time to the server's current time.</param>
/// <param name="MtimeNow">Set the modification time to the server's current time.</param>
public sealed record SetAttributesRequest(
    uint? Mode = null,
    uint? Uid = null,
    uint? Gid = null,
    long? Size = null,
    Timestamp? Atime = null,
    Timestamp? Mtime = null,
    bool AtimeNow = false,
    bool MtimeNow = false);

/// <summary>The target of a symbolic link.</summary>
public sealed record SymlinkTarget(string Target);

/// <summary>File-system totals, as <c>statfs</c> reports them.</summary>
/// <param name="BlockSize">Block size used for the counts.</param>
/// <param name="TotalBlocks">Capacity in blocks, divided by the replica count.</param>
/// <param name="FreeBlocks">Free blocks, divided by the replica count.</param>
/// <param name="TotalInodes">Inode capacity reported to tools.</param>
/// <param name="FreeInodes">Free inodes reported to tools.</param>
/// <param name="MaxNameLength">Longest name in bytes.</param>
public sealed record FileSystemStats(long BlockSize, long TotalBlocks, long FreeBlocks, long TotalInodes, long FreeInodes, int MaxNameLength);

/// <summary>The names of an inode's extended attributes.</summary>
public sealed record ExtendedAttributeNames(IReadOnlyList<string> Names);

/// <summary>How setting an extended attribute treats an existing one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExtendedAttributeMode>))]
public enum ExtendedAttributeMode
{
    /// <summary>Create or replace.</summary>
    Any = 0,

    /// <summary>Fail with EEXIST if it exists (XATTR_CREATE).</summary>
    Create = 1,

    /// <summary>Fail with ENODATA if it does not exist (XATTR_REPLACE).</summary>
    Replace = 2,
}
