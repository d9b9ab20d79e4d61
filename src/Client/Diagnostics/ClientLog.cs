using Microsoft.Extensions.Logging;

namespace ReplicaFs.Client.Diagnostics;

/// <summary>The client's log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected to {MetaUrl}: cluster {ClusterId}, chunk size {ChunkSize}, Qr={ReadQuorum}, Qw={WriteQuorum}, R={Replicas}")]
    public static partial void Connected(ILogger logger, Uri metaUrl, string clusterId, int chunkSize, int readQuorum, int writeQuorum, int replicas);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Qr={ReadQuorum}, Qw={WriteQuorum}, R={Replicas}: NOT strongly consistent (Qr + Qw <= R): a read may miss the latest write")]
    public static partial void WeakQuorum(ILogger logger, int readQuorum, int writeQuorum, int replicas);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Read quorum failed for chunk {ChunkId} of inode {Ino}: {Reason}")]
    public static partial void ReadQuorumFailed(ILogger logger, long chunkId, long ino, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Chunk {ChunkId} of inode {Ino} changed while it was read (committed version {Version}); reading again")]
    public static partial void ChunkChanged(ILogger logger, long chunkId, long ino, long version);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Write quorum failed for chunk {ChunkId} of inode {Ino} version {Version}: {Acknowledged} of {Replicas} acknowledged, Qw={WriteQuorum}")]
    public static partial void WriteQuorumFailed(ILogger logger, long chunkId, long ino, long version, int acknowledged, int replicas, int writeQuorum);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Commit of {Count} chunk(s) of inode {Ino} lost a race with another writer (attempt {Attempt}); re-applying the writes on the new base")]
    public static partial void CommitConflict(ILogger logger, long ino, int count, int attempt);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "Server {ServerId} acknowledged chunk {ChunkId} version {Version} after the commit")]
    public static partial void LateAck(ILogger logger, int serverId, long chunkId, long version);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Background flush of inode {Ino} failed; the next write, flush, fsync or close of its handles fails with EIO")]
    public static partial void BackgroundFlushFailed(ILogger logger, long ino, Exception exception);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Read repair: server {ServerId} had chunk {ChunkId} {State} ({Detail}); repaired from {Source}")]
    public static partial void Repaired(ILogger logger, int serverId, long chunkId, ReplicaFs.Contracts.Chunks.ReplicaState state, string detail, string source);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Read repair of chunk {ChunkId} on server {ServerId} failed: {Reason}")]
    public static partial void RepairFailed(ILogger logger, long chunkId, int serverId, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Read repair queue is full; dropped the repair of chunk {ChunkId} on server {ServerId} (scrub and rebuild will find it)")]
    public static partial void RepairDropped(ILogger logger, long chunkId, int serverId);

    [LoggerMessage(EventId = 33, Level = LogLevel.Debug, Message = "Read repair of chunk {ChunkId} on server {ServerId} skipped: {Reason}")]
    public static partial void RepairSkipped(ILogger logger, long chunkId, int serverId, string reason);

    [LoggerMessage(EventId = 34, Level = LogLevel.Debug, Message = "Read repair of chunk {ChunkId} on server {ServerId} skipped: the committed version is now {Current}, the read saw {Read}")]
    public static partial void RepairMoot(ILogger logger, long chunkId, int serverId, long current, long read);

    [LoggerMessage(EventId = 50, Level = LogLevel.Debug, Message = "Client session {SessionId} registered (Qr={ReadQuorum}, Qw={WriteQuorum})")]
    public static partial void SessionRegistered(ILogger logger, long sessionId, int readQuorum, int writeQuorum);

    [LoggerMessage(EventId = 51, Level = LogLevel.Debug, Message = "The metadata server keeps no client sessions ({Reason}); not registering one")]
    public static partial void SessionUnsupported(ILogger logger, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Could not keep client session {SessionId} at the metadata server: {Reason}")]
    public static partial void SessionRenewFailed(ILogger logger, long sessionId, string reason);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Could not tell the metadata server ({What}): {Reason}")]
    public static partial void ReportFailed(ILogger logger, string what, string reason);
}
