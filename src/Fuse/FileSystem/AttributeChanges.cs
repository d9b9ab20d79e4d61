using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Fuse.FileSystem;

/// <summary>What a setattr asks for. Only the fields named in <see cref="Fields"/> are meaningful.</summary>
public readonly record struct AttributeChanges
{
    /// <summary>The fields to change.</summary>
    public SetAttributeFields Fields { get; init; }

    /// <summary>The new mode (permission bits; the type bits are not to be changed).</summary>
    public uint Mode { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>The new size (truncate).</summary>
    public long Size { get; init; }

    public Timestamp Atime { get; init; }

    public Timestamp Mtime { get; init; }

    public Timestamp Ctime { get; init; }

    /// <summary>The open handle for an fd-based change such as ftruncate; null for path-based ones.</summary>
    public ulong? Handle { get; init; }

    /// <summary>Whether <paramref name="field"/> is to be changed.</summary>
    public bool Has(SetAttributeFields field) => (Fields & field) == field;
}
