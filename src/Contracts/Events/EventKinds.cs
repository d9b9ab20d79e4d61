namespace ReplicaFs.Contracts.Events;

/// <summary>The kinds of events in the cluster log.</summary>
public static class EventKinds
{
    public const string ServerRegistered = "server.registered";
    public const string ServerUp = "server.up";
    public const string ServerDown = "server.down";
    public const string ServerCameBackEmpty = "server.empty";
    public const string ServerCrashed = "server.crashed";
    public const string ServerRestored = "server.restored";
    public const string ReplicaStale = "replica.stale";
    public const string ReplicaCorrupt = "replica.corrupt";
    public const string ReplicaMissing = "replica.missing";
    public const string RepairStarted = "repair.started";
    public const string RepairFinished = "repair.finished";
    public const string RepairFailed = "repair.failed";
    public const string WriteQuorumFailed = "quorum.write-failed";
    public const string ReadQuorumFailed = "quorum.read-failed";
    public const string RebuildStarted = "rebuild.started";
    public const string RebuildProgress = "rebuild.progress";
    public const string RebuildFinished = "rebuild.finished";
    public const string ScrubFinding = "scrub.finding";
    public const string ScrubFinished = "scrub.finished";
    public const string ReReplicated = "replica.re-replicated";
    public const string ChunkUnavailable = "chunk.unavailable";
    public const string ClientConnected = "client.connected";
    public const string ClientDisconnected = "client.disconnected";
    public const string GarbageCollected = "gc.collected";
    public const string MetaStarted = "meta.started";
    public const string DiskFull = "disk.full";
    public const string DiskWritable = "disk.writable";
}
