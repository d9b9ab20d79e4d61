namespace ReplicaFs.Fuse.Diagnostics;

/// <summary>An open handle of the in-memory file system.</summary>
/// <param name="Node">The opened node.</param>
/// <param name="Append">Opened with O_APPEND: every write goes to the end.</param>
internal sealed record OpenFile(MemoryNode Node, bool Append);
