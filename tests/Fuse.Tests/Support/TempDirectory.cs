using ReplicaFs.Fuse.Mounting;

namespace ReplicaFs.Fuse.Tests.Support;

/// <summary>Fresh directories under /tmp for mount points, removed with anything still mounted on them.</summary>
internal static class TempDirectory
{
    public static string Create(string prefix) =>
        Directory.CreateTempSubdirectory($"replicafs-fuse-{prefix}-").FullName;

    /// <summary>Lazily unmounts every mount left on <paramref name="path"/>, then deletes it.</summary>
    public static void Remove(string path)
    {
        for (var i = 0; i < 8 && MountTable.Find(path) is { } entry && entry.MountPoint == Path.TrimEndingDirectorySeparator(path); i++)
        {
            Posix.LazyUnmount(path);
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Still busy or already gone; /tmp is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
