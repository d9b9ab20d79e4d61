using System.Security.Cryptography;

namespace ReplicaFs.Cli.Demo;

/// <summary>
/// Files under the mount point through ordinary file system calls (the kernel, FUSE, the quorum client), each call
/// bounded by <see cref="Timeout"/>: a mount that hangs fails the step instead of the demo.
/// </summary>
internal sealed class MountedFiles(string mountPoint)
{
    /// <summary>Longest any single file system call may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The mount point.</summary>
    public string MountPoint { get; } = mountPoint;

    /// <summary>The local path of cluster path <paramref name="path"/>.</summary>
    public string Local(string path) => Path.Combine(MountPoint, path.TrimStart('/'));

    /// <summary>mkdir -p.</summary>
    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken) =>
        RunAsync($"mkdir {path}", () => Directory.CreateDirectory(Local(path)), cancellationToken);

    /// <summary>Writes a whole file and flushes it (close returns once every chunk reached its write quorum).</summary>
    public Task WriteAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        RunAsync($"write {path}", () => File.WriteAllBytes(Local(path), content), cancellationToken);

    /// <summary>Reads a whole file.</summary>
    public async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] content = [];
        await RunAsync($"read {path}", () => content = File.ReadAllBytes(Local(path)), cancellationToken);
        return content;
    }

    /// <summary>Every entry under the mount point (relative path with a leading '/', and size; -1 for directories), in path order.</summary>
    public async Task<IReadOnlyList<(string Path, long Size)>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(string, long)>();
        await RunAsync(
            "list the mount",
            () =>
            {
                foreach (var entry in new DirectoryInfo(MountPoint).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                {
                    var relative = "/" + Path.GetRelativePath(MountPoint, entry.FullName);
                    entries.Add((relative, entry is FileInfo file ? file.Length : -1));
                }
            },
            cancellationToken);
        return [.. entries.OrderBy(e => e.Item1, StringComparer.Ordinal)];
    }

    /// <summary>The first 16 hex digits of the SHA-256 of <paramref name="content"/>.</summary>
    public static string Digest(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..16];

    private static async Task RunAsync(string what, Action action, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(action, CancellationToken.None).WaitAsync(Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new DemoStepFailedException($"{what} through the mount did not finish within {Timeout.TotalSeconds:0} s.");
        }
        catch (IOException ex)
        {
            throw new DemoStepFailedException($"{what} through the mount failed: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DemoStepFailedException($"{what} through the mount failed: {ex.Message}", ex);
        }
    }
}
