namespace ReplicaFs.Contracts.Cluster;

/// <summary>What a data server is doing, reported in its heartbeats and shown on the dashboard.</summary>
/// <param name="RequestsServed">Chunk requests served since the process started (a counter; rates are derived by readers).</param>
/// <param name="BytesRead">Chunk bytes sent since the process started.</param>
/// <param name="BytesWritten">Chunk bytes stored since the process started.</param>
/// <param name="LatencyMs">Mean latency of chunk requests over the last heartbeat interval, in milliseconds.</param>
/// <param name="Rebuild">Rebuild or catch-up progress; null when the server has never rebuilt.</param>
/// <param name="Scrub">Scrub progress; null before the first scrub.</param>
/// <param name="RepairsDone">Replicas repaired on this server (read repair, catch-up, rebuild, scrub) since the process started.</param>
public sealed record ServerActivity(long RequestsServed, long BytesRead, long BytesWritten, double LatencyMs, RebuildProgress? Rebuild, ScrubProgress? Scrub, long RepairsDone);

/// <summary>Progress of copying the replicas a server should hold but does not (rebuild after coming back empty, or catch-up after missing writes).</summary>
/// <param name="Active">Whether copying is under way.</param>
/// <param name="ChunksDone">Replicas copied and verified.</param>
/// <param name="ChunksTotal">Replicas to copy in this pass.</param>
/// <param name="BytesDone">Bytes copied and verified.</param>
/// <param name="BytesTotal">Bytes to copy in this pass.</param>
/// <param name="Failed">Replicas that could not be copied in this pass (no good source, or its bytes did not verify).</param>
/// <param name="StartedAt">When this pass started.</param>
/// <param name="FinishedAt">When it finished; null while active.</param>
public sealed record RebuildProgress(bool Active, long ChunksDone, long ChunksTotal, long BytesDone, long BytesTotal, long Failed, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>Progress of re-verifying every stored chunk against its recorded checksum.</summary>
/// <param name="Active">Whether a scrub pass is under way.</param>
/// <param name="ChunksChecked">Chunk versions verified in the current (or last) pass.</param>
/// <param name="ChunksTotal">Chunk versions to verify in that pass.</param>
/// <param name="BytesChecked">Bytes verified in that pass.</param>
/// <param name="CorruptFound">Corrupt chunk versions found in that pass.</param>
/// <param name="StartedAt">When that pass started.</param>
/// <param name="FinishedAt">When it finished; null while active.</param>
public sealed record ScrubProgress(bool Active, long ChunksChecked, long ChunksTotal, long BytesChecked, long CorruptFound, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);
