using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Web.Files;

/// <summary>The namespace and chunk map as the file pages read them (one page at a time).</summary>
public interface IFileBrowser
{
    /// <summary>Resolves an absolute path.</summary>
    Task<InodeAttributes> ResolveAsync(string path, CancellationToken cancellationToken);

    /// <summary>One page of a directory listing.</summary>
    Task<DirectoryPage> ReadDirectoryAsync(long ino, long? after, int limit, CancellationToken cancellationToken);

    /// <summary>The chunks of a file with index in [from, from + count).</summary>
    Task<ChunkMapPage> GetChunksAsync(long ino, long from, int count, CancellationToken cancellationToken);
}
