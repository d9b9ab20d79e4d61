namespace ReplicaFs.Contracts.Files;

/// <summary>One name in a directory and the attributes of the inode it points to.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Cookie">Stable position of the entry in its directory; pass it as <c>after</c> to continue a listing.</param>
/// <param name="Attributes">The attributes of the target inode.</param>
public sealed record DirectoryEntry(string Name, long Cookie, InodeAttributes Attributes);

/// <summary>A page of a directory listing.</summary>
/// <param name="Entries">Entries in cookie order, without "." and "..".</param>
/// <param name="NextCookie">The cookie to continue from, or null when the listing is complete.</param>
/// <param name="Directory">
/// The listed directory's own attributes, read in the same snapshot as the entries (null from servers that predate
/// it). Its change time moves with every entry added, removed or renamed, so a client can tell whether a listing it
/// took earlier still holds.
/// </param>
public sealed record DirectoryPage(IReadOnlyList<DirectoryEntry> Entries, long? NextCookie, InodeAttributes? Directory = null);
