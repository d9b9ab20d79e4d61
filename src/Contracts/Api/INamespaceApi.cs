using Refit;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Contracts.Api;

/// <summary>The metadata server's namespace: inodes, directory entries and their attributes.</summary>
public interface INamespaceApi
{
    /// <summary>Attributes of an inode (getattr).</summary>
    [Get("/api/fs/inodes/{ino}")]
    Task<InodeAttributes> GetAttributesAsync(long ino, CancellationToken cancellationToken = default);

    /// <summary>Looks a name up in a directory.</summary>
    [Get("/api/fs/inodes/{parent}/lookup")]
    Task<InodeAttributes> LookupAsync(long parent, [Query] string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same lookup as <see cref="LookupAsync"/>, as the raw answer: 200 with the attributes, or a ProblemDetails
    /// 404 (ENOENT) to inspect rather than an exception, since a miss is the most common answer of a lookup.
    /// </summary>
    [Get("/api/fs/inodes/{parent}/lookup")]
    Task<HttpResponseMessage> LookupAnswerAsync(long parent, [Query] string name, CancellationToken cancellationToken = default);

    /// <summary>Resolves an absolute path (symlinks are not followed).</summary>
    [Get("/api/fs/resolve")]
    Task<InodeAttributes> ResolveAsync([Query] string path, CancellationToken cancellationToken = default);

    /// <summary>Lists a directory with attributes, one page at a time.</summary>
    [Get("/api/fs/inodes/{ino}/entries")]
    Task<DirectoryPage> ReadDirectoryAsync(long ino, [Query] long? after = null, [Query] int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The same page as <see cref="ReadDirectoryAsync"/>, asked for in the compact binary encoding
    /// (<see cref="CompactListing"/>), as the raw answer: decode it with <see cref="CompactListing.Decode"/> when its
    /// content type says so (a server that predates it answers JSON).
    /// </summary>
    [Get("/api/fs/inodes/{ino}/entries")]
    [Headers("Accept: " + CompactListing.MediaType)]
    Task<HttpResponseMessage> ReadDirectoryCompactAsync(long ino, [Query] long? after = null, [Query] int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Creates a regular file.</summary>
    [Post("/api/fs/inodes/{parent}/files")]
    Task<InodeAttributes> CreateFileAsync(long parent, [Body] CreateFileRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates a directory.</summary>
    [Post("/api/fs/inodes/{parent}/directories")]
    Task<InodeAttributes> MakeDirectoryAsync(long parent, [Body] MakeDirectoryRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates a symbolic link.</summary>
    [Post("/api/fs/inodes/{parent}/symlinks")]
    Task<InodeAttributes> CreateSymlinkAsync(long parent, [Body] CreateSymlinkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Creates a hard link to an existing non-directory inode.</summary>
    [Post("/api/fs/inodes/{parent}/links")]
    Task<InodeAttributes> LinkAsync(long parent, [Body] LinkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes a non-directory entry (unlink).</summary>
    [Delete("/api/fs/inodes/{parent}/entries")]
    Task UnlinkAsync(long parent, [Query] string name, [Query] bool keepOrphan = false, CancellationToken cancellationToken = default);

    /// <summary>Removes an empty directory (rmdir).</summary>
    [Delete("/api/fs/inodes/{parent}/directories")]
    Task RemoveDirectoryAsync(long parent, [Query] string name, CancellationToken cancellationToken = default);

    /// <summary>Renames an entry atomically (replace, no-replace or exchange).</summary>
    [Post("/api/fs/rename")]
    Task RenameAsync([Body] RenameRequest request, CancellationToken cancellationToken = default);

    /// <summary>Changes mode, owner, size or times (setattr).</summary>
    [Patch("/api/fs/inodes/{ino}")]
    Task<InodeAttributes> SetAttributesAsync(long ino, [Body] SetAttributesRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a symbolic link's target.</summary>
    [Get("/api/fs/inodes/{ino}/target")]
    Task<SymlinkTarget> ReadLinkAsync(long ino, CancellationToken cancellationToken = default);

    /// <summary>Frees an orphan inode (nlink 0) that was kept because a client had it open.</summary>
    [Delete("/api/fs/inodes/{ino}")]
    Task ReclaimAsync(long ino, CancellationToken cancellationToken = default);

    /// <summary>File-system totals (statfs).</summary>
    [Get("/api/fs/statfs")]
    Task<FileSystemStats> StatFsAsync(CancellationToken cancellationToken = default);

    /// <summary>Names of an inode's extended attributes.</summary>
    [Get("/api/fs/inodes/{ino}/xattrs")]
    Task<ExtendedAttributeNames> ListExtendedAttributesAsync(long ino, CancellationToken cancellationToken = default);

    /// <summary>The value of one extended attribute, as raw bytes.</summary>
    [Get("/api/fs/inodes/{ino}/xattrs/value")]
    Task<HttpResponseMessage> GetExtendedAttributeAsync(long ino, [Query] string name, CancellationToken cancellationToken = default);

    /// <summary>Sets one extended attribute from a raw body.</summary>
    [Put("/api/fs/inodes/{ino}/xattrs/value")]
    Task SetExtendedAttributeAsync(long ino, [Query] string name, [Body] HttpContent value, [Query] ExtendedAttributeMode mode = ExtendedAttributeMode.Any, CancellationToken cancellationToken = default);

    /// <summary>Removes one extended attribute.</summary>
    [Delete("/api/fs/inodes/{ino}/xattrs/value")]
    Task RemoveExtendedAttributeAsync(long ino, [Query] string name, CancellationToken cancellationToken = default);
}
