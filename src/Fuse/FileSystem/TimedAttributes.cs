namespace ReplicaFs.Fuse.FileSystem;

/// <summary>Attributes plus how long the kernel may cache them: the answer to getattr and setattr.</summary>
/// <param name="Attributes">The complete, current attributes.</param>
/// <param name="Timeout">How long the kernel may cache them.</param>
public readonly record struct TimedAttributes(NodeAttributes Attributes, TimeSpan Timeout);
