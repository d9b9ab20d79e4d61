namespace ReplicaFs.Fuse.FileSystem;

/// <summary>The answer to create: the new name's entry (one lookup) and the open handle (one release will follow).</summary>
/// <param name="Entry">The entry of the created file.</param>
/// <param name="Handle">The handle of the open file.</param>
public readonly record struct CreatedFile(FuseEntry Entry, OpenedHandle Handle);
