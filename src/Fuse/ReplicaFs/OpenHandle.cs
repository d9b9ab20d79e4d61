using ReplicaFs.Client.Files;
using ReplicaFs.Fuse.FileSystem;

namespace ReplicaFs.Fuse.ReplicaFs;

/// <summary>One kernel open of a regular file: the client's handle (write-behind buffer, read-ahead) and the open flags.</summary>
/// <param name="Id">The <c>fh</c> the kernel passes back.</param>
/// <param name="NodeId">The file.</param>
/// <param name="File">The quorum client's handle.</param>
/// <param name="Flags">The open(2) flags.</param>
internal sealed record OpenHandle(ulong Id, ulong NodeId, FileHandle File, OpenOptions Flags)
{
    /// <summary>O_APPEND: every write goes to the end of the file as this client knows it.</summary>
    public bool Append => (Flags & OpenOptions.Append) != 0;
}
