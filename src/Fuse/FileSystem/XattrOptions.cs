namespace ReplicaFs.Fuse.FileSystem;

/// <summary>setxattr flags.</summary>
[Flags]
public enum XattrOptions
{
    None = 0,

    /// <summary>Fail with EEXIST if the attribute exists.</summary>
    Create = 1,

    /// <summary>Fail with ENODATA if the attribute does not exist.</summary>
    Replace = 2,
}
