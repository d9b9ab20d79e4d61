namespace ReplicaFs.Api.Data.Storage;

/// <summary>What a chunk upload led to.</summary>
internal enum PutStatus
{
    /// <summary>Stored now.</summary>
    Created,

    /// <summary>The same version with the same checksum was already stored; nothing changed.</summary>
    AlreadyStored,

    /// <summary>That version is stored with another checksum; nothing changed.</summary>
    Conflict,

    /// <summary>The body does not hash to the announced checksum; nothing was kept.</summary>
    ChecksumMismatch,
}

/// <summary>The outcome of <see cref="ChunkStore.PutAsync"/>.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Stored">The stored version (for <see cref="PutStatus.Conflict"/>: the one already there).</param>
/// <param name="ComputedChecksum">The checksum of the received body, when it was read.</param>
internal readonly record struct PutOutcome(PutStatus Status, StoredVersion Stored, ulong? ComputedChecksum);
