using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Storage;

/// <summary>An inode as stored.</summary>
/// <param name="Ino">Inode number (never reused).</param>
/// <param name="Kind">File, directory or symlink.</param>
/// <param name="Mode">Full <c>st_mode</c> (type and permission bits).</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Nlink">Link count.</param>
/// <param name="Atime">Last access.</param>
/// <param name="Mtime">Last content change.</param>
/// <param name="Ctime">Last inode change.</param>
/// <param name="Target">Symlink target, null for other kinds.</param>
internal sealed record InodeRecord(
    long Ino,
    FileKind Kind,
    uint Mode,
    uint Uid,
    uint Gid,
    long Size,
    int Nlink,
    Timestamp Atime,
    Timestamp Mtime,
    Timestamp Ctime,
    string? Target)
{
    /// <summary>Inode numbers are never reused, so one generation is enough for (ino, generation) to be unique.</summary>
    public const long Generation = 1;

    /// <summary>Whether this is a directory.</summary>
    public bool IsDirectory => Kind == FileKind.Directory;

    /// <summary>The attributes as the API shows them.</summary>
    public InodeAttributes ToAttributes() => new(Ino, Kind, Mode, Uid, Gid, Size, Nlink, Atime, Mtime, Ctime, Generation);
}

/// <summary>A new inode, before it has a number.</summary>
internal sealed record NewInode(FileKind Kind, uint Mode, uint Uid, uint Gid, long Size, int Nlink, Timestamp Time, string? Target);

/// <summary>A directory entry as stored; <paramref name="Cookie"/> is its row id, kept across renames.</summary>
internal sealed record EntryRecord(long Cookie, long Parent, string Name, long Ino);

/// <summary>A chunk as stored.</summary>
/// <param name="ChunkId">Chunk id (never reused).</param>
/// <param name="Ino">The file it belongs to.</param>
/// <param name="Index">Position in the file.</param>
/// <param name="Version">Committed version (0: never committed).</param>
/// <param name="Length">Bytes of the chunk that belong to the file.</param>
/// <param name="Checksum">Checksum of the committed version's stored bytes.</param>
/// <param name="StoredLength">Bytes the replicas store of the committed version (<paramref name="Length"/> may be lower after a truncate).</param>
internal sealed record ChunkRecord(long ChunkId, long Ino, long Index, long Version, long Length, string Checksum, long StoredLength)
{
    /// <summary>The name data servers store the chunk under.</summary>
    public string Key => ChunkKey.FromId(ChunkId);

    /// <summary>The API shape, with the chunk's replicas (<paramref name="replicas"/> are this chunk's).</summary>
    public ChunkInfo ToInfo(IEnumerable<ReplicaRecord> replicas) =>
        new(ChunkId, Index, Version, Length, Checksum, [.. replicas.Select(r => r.ToInfo())]);
}

/// <summary>A replica of a chunk, with its server's URL.</summary>
internal sealed record ReplicaRecord(long ChunkId, int ServerId, string Url, ReplicaState State, long Version)
{
    /// <summary>The API shape.</summary>
    public ReplicaInfo ToInfo() => new(ServerId, Url, State, Version);
}

/// <summary>A data server as stored.</summary>
/// <param name="Id">Stable id (by URL).</param>
/// <param name="Name">Display name, unique in the cluster (case-insensitively).</param>
/// <param name="Url">Normalized base URL; it identifies the server.</param>
/// <param name="InstanceId">Instance id of its data directory.</param>
/// <param name="State">Up, down, crashed or rebuilding.</param>
/// <param name="StateSince">When it entered <paramref name="State"/>.</param>
/// <param name="RegisteredAt">First registration.</param>
/// <param name="LastHeartbeat">Last heartbeat or registration.</param>
/// <param name="Stats">Storage figures from the last heartbeat.</param>
/// <param name="ReplicaCount">Replica rows on this server.</param>
/// <param name="RebuiltReplicas">Replicas reported rebuilt since it last entered <see cref="ServerState.Rebuilding"/>.</param>
internal sealed record ServerRecord(
    int Id,
    string Name,
    string Url,
    string InstanceId,
    ServerState State,
    DateTimeOffset StateSince,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeat,
    DataServerStats Stats,
    long ReplicaCount,
    long RebuiltReplicas)
{
    /// <summary>The name of a server registered without one.</summary>
    public static string DefaultName(int id) => $"data-{id}";

    /// <summary>Whether the server takes part in reads and writes (up, or up and rebuilding).</summary>
    public bool IsLive => State is ServerState.Up or ServerState.Rebuilding;

    /// <summary>
    /// This server in <paramref name="state"/>: <see cref="StateSince"/> becomes <paramref name="now"/> when the state
    /// changes, and entering <see cref="ServerState.Rebuilding"/> starts a new count of rebuilt replicas.
    /// </summary>
    public ServerRecord InState(ServerState state, DateTimeOffset now) =>
        state == State
            ? this
            : this with { State = state, StateSince = now, RebuiltReplicas = state == ServerState.Rebuilding ? 0 : RebuiltReplicas };

    /// <summary>The API shape, with what the server last reported about its activity.</summary>
    public DataServerInfo ToInfo(ServerActivity? activity) =>
        new(Id, Name, Url, State, InstanceId, RegisteredAt, LastHeartbeat, Stats, ReplicaCount, activity);
}

/// <summary>Settings fixed when the cluster was created.</summary>
internal sealed record ClusterSettings(string ClusterId, int Replicas, int ChunkSize, DateTimeOffset CreatedAt);

/// <summary>An event to append; the store assigns its id.</summary>
internal sealed record NewEventRecord(
    DateTimeOffset Time,
    string Kind,
    Contracts.Events.EventSeverity Severity,
    string Message,
    string Source,
    int? ServerId = null,
    long? Ino = null,
    long? ChunkId = null,
    string? Path = null);
