using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Client.Repair;

/// <summary>A bad replica found by a read, to report and repair.</summary>
/// <param name="Ino">The file the read was for.</param>
/// <param name="Chunk">The chunk as the reader knew it (committed version and checksum).</param>
/// <param name="Bad">The replica that disagreed.</param>
/// <param name="State">Stale, corrupt or missing.</param>
/// <param name="Detail">What the read saw.</param>
/// <param name="Sources">Replicas that agreed, best first: where the bad one can pull a good copy from.</param>
internal sealed record RepairWork(long Ino, ChunkInfo Chunk, ReplicaInfo Bad, ReplicaState State, string Detail, IReadOnlyList<ReplicaInfo> Sources);
