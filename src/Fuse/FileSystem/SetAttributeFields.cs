namespace ReplicaFs.Fuse.FileSystem;

/// <summary>Which fields a setattr changes (<c>FUSE_SET_ATTR_*</c>; libfuse 3.14 passes only these bits).</summary>
[Flags]
public enum SetAttributeFields
{
    None = 0,

    /// <summary>chmod: <see cref="AttributeChanges.Mode"/>.</summary>
    Mode = 0x1,

    /// <summary>chown: <see cref="AttributeChanges.Uid"/>.</summary>
    Uid = 0x2,

    /// <summary>chown/chgrp: <see cref="AttributeChanges.Gid"/>.</summary>
    Gid = 0x4,

    /// <summary>truncate/ftruncate: <see cref="AttributeChanges.Size"/>.</summary>
    Size = 0x8,

    /// <summary>Set the access time (to <see cref="AttributeChanges.Atime"/> unless <see cref="AtimeNow"/>).</summary>
    Atime = 0x10,

    /// <summary>Set the modification time (to <see cref="AttributeChanges.Mtime"/> unless <see cref="MtimeNow"/>).</summary>
    Mtime = 0x20,

    /// <summary>The access time is "now" (use your own clock).</summary>
    AtimeNow = 0x80,

    /// <summary>The modification time is "now" (use your own clock).</summary>
    MtimeNow = 0x100,

    /// <summary>Set the change time to <see cref="AttributeChanges.Ctime"/>.</summary>
    Ctime = 0x400,
}
