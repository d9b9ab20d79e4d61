namespace ReplicaFs.Api.Meta.Storage;

/// <summary>Inodes, directory entries and extended attributes.</summary>
internal interface INamespaceStore
{
    /// <summary>An inode, or null.</summary>
    InodeRecord? GetInode(long ino);

    /// <summary>Number of inodes (including orphans).</summary>
    long CountInodes();

    /// <summary>Creates the root directory with inode number 1.</summary>
    void CreateRoot(NewInode root);

    /// <summary>Creates an inode with a new, never used number.</summary>
    InodeRecord CreateInode(NewInode inode);

    /// <summary>Writes every mutable field of <paramref name="inode"/> (mode, owner, size, nlink, times).</summary>
    void UpdateInode(InodeRecord inode);

    /// <summary>Deletes an inode and its extended attributes. Its entries and chunks must be gone already.</summary>
    void DeleteInode(long ino);

    /// <summary>The entry <paramref name="name"/> in <paramref name="parent"/>, or null.</summary>
    EntryRecord? GetEntry(long parent, string name);

    /// <summary>Some entry that points at <paramref name="ino"/> (the only one for a directory), or null for the root and orphans.</summary>
    EntryRecord? FindEntryOf(long ino);

    /// <summary>Entries of <paramref name="directory"/> with cookie above <paramref name="after"/>, in cookie order, with their inodes.</summary>
    IReadOnlyList<(EntryRecord Entry, InodeRecord Inode)> ListEntries(long directory, long after, int limit);

    /// <summary>Whether <paramref name="directory"/> has any entry.</summary>
    bool HasEntries(long directory);

    /// <summary>Adds an entry; returns it with its new cookie.</summary>
    EntryRecord AddEntry(long parent, string name, long ino);

    /// <summary>Removes an entry.</summary>
    void RemoveEntry(long cookie);

    /// <summary>Moves an entry to another directory and name, keeping its cookie.</summary>
    void MoveEntry(long cookie, long newParent, string newName);

    /// <summary>Points an entry at another inode, keeping its name and cookie (rename exchange).</summary>
    void RetargetEntry(long cookie, long ino);

    /// <summary>A path of <paramref name="ino"/> from the root ("/" for the root), or null for an orphan.</summary>
    string? PathOf(long ino);

    /// <summary>Names of an inode's extended attributes, sorted.</summary>
    IReadOnlyList<string> ListAttributeNames(long ino);

    /// <summary>The value of an extended attribute, or null.</summary>
    byte[]? GetAttribute(long ino, string name);

    /// <summary>Creates or replaces an extended attribute.</summary>
    void SetAttribute(long ino, string name, byte[] value);

    /// <summary>Removes an extended attribute; false if it did not exist.</summary>
    bool RemoveAttribute(long ino, string name);
}
