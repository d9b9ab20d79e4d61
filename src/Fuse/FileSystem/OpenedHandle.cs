namespace ReplicaFs.Fuse.FileSystem;

/// <summary>The answer to open and opendir: a handle the kernel passes back in later calls, and caching options.</summary>
/// <param name="Handle">Any 64-bit value; it returns in read, write, flush, release, fsync, readdir and releasedir.</param>
/// <param name="Options">Caching options for this open.</param>
public readonly record struct OpenedHandle(ulong Handle, HandleOptions Options = HandleOptions.None);
