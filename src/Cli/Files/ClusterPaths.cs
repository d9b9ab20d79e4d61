using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Cli.Files;

/// <summary>Paths inside the cluster's namespace (not on the local disk): always from its root.</summary>
internal static class ClusterPaths
{
    /// <summary>"/a/b" for "a/b", "/a/b/" or "/a/b"; "/" for "" or "/".</summary>
    public static string Normalize(string? path)
    {
        var trimmed = (path ?? string.Empty).Trim();
        if (!trimmed.StartsWith('/'))
        {
            trimmed = "/" + trimmed;
        }

        return trimmed.Length > 1 ? trimmed.TrimEnd('/') is { Length: > 0 } t ? t : "/" : trimmed;
    }

    /// <summary>The path of <paramref name="name"/> in directory <paramref name="directory"/>.</summary>
    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>The attributes at <paramref name="path"/>; a path that does not resolve is bad input with the reason.</summary>
    public static async Task<InodeAttributes> ResolveAsync(INamespaceApi meta, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meta);
        try
        {
            return await meta.ResolveAsync(path, cancellationToken);
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOENT)
        {
            throw CliException.BadInput($"{path}: no such file or directory in the cluster.");
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOTDIR)
        {
            throw CliException.BadInput($"{path}: a component of the path is not a directory.");
        }
        catch (PosixException ex) when (ex.Errno is Errno.EINVAL or Errno.ENAMETOOLONG or Errno.EILSEQ)
        {
            throw CliException.BadInput($"{path}: {ex.Message}");
        }
    }
}
