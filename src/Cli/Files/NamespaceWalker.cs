using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Files;

/// <summary>A regular file found in the cluster's namespace.</summary>
/// <param name="Path">Its path (the first name it was found under when it has hard links).</param>
/// <param name="Attributes">Its attributes when it was listed.</param>
internal sealed record ClusterFile(string Path, InodeAttributes Attributes);

/// <summary>
/// Lists every regular file under a path of the cluster's namespace, directory by directory (breadth first, one page
/// of entries at a time), each inode once even when it has several names. Symbolic links are not followed.
/// </summary>
internal static class NamespaceWalker
{
    /// <summary>Entries asked for per directory page.</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// The regular files under <paramref name="root"/> (or the file itself). A directory removed while it is listed is
    /// skipped; a root that does not resolve is bad input.
    /// </summary>
    public static async IAsyncEnumerable<ClusterFile> FilesAsync(
        INamespaceApi meta,
        string root,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var start = await ClusterPaths.ResolveAsync(meta, root, cancellationToken);
        if (start.Kind == FileKind.File)
        {
            yield return new ClusterFile(root, start);
            yield break;
        }

        if (start.Kind != FileKind.Directory)
        {
            throw CliException.BadInput($"{root} is a symbolic link: name a regular file or a directory.");
        }

        var seen = new HashSet<long>();
        var directories = new Queue<(string Path, long Ino)>();
        directories.Enqueue((root, start.Ino));
        while (directories.TryDequeue(out var directory))
        {
            long? after = null;
            while (true)
            {
                DirectoryPage page;
                try
                {
                    page = await meta.ReadDirectoryAsync(directory.Ino, after, PageSize, cancellationToken);
                }
                catch (PosixException ex) when (ex.Errno is Errno.ENOENT or Errno.ENOTDIR)
                {
                    // Removed (or replaced) while the walk was under way: nothing left to list there.
                    break;
                }

                foreach (var entry in page.Entries)
                {
                    if (entry.Name is "." or "..")
                    {
                        continue;
                    }

                    var path = ClusterPaths.Combine(directory.Path, entry.Name);
                    if (entry.Attributes.Kind == FileKind.Directory)
                    {
                        directories.Enqueue((path, entry.Attributes.Ino));
                    }
                    else if (entry.Attributes.Kind == FileKind.File && seen.Add(entry.Attributes.Ino))
                    {
                        yield return new ClusterFile(path, entry.Attributes);
                    }
                }

                if (page.NextCookie is not { } next)
                {
                    break;
                }

                after = next;
            }
        }
    }
}
