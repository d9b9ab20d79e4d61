namespace ReplicaFs.Fuse.FileSystem;

/// <summary>renameat2 flags.</summary>
[Flags]
public enum RenameOptions : uint
{
    None = 0,

    /// <summary>Fail with EEXIST rather than replace an existing target.</summary>
    NoReplace = 1,

    /// <summary>Atomically swap source and target; both must exist.</summary>
    Exchange = 2,

    /// <summary>Leave a whiteout at the source (overlay file systems).</summary>
    Whiteout = 4,
}
