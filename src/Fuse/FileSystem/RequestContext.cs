namespace ReplicaFs.Fuse.FileSystem;

/// <summary>Who made a request (from <c>fuse_req_ctx</c>).</summary>
/// <param name="Uid">User id of the calling process.</param>
/// <param name="Gid">Group id of the calling process.</param>
/// <param name="Pid">Thread id of the caller; 0 when the caller is in another pid namespace.</param>
/// <param name="Umask">The caller's umask; meaningful for mknod, mkdir and create only (the mode arrives already masked).</param>
public readonly record struct RequestContext(uint Uid, uint Gid, int Pid, uint Umask);
