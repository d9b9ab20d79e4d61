using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using ReplicaFs.Api.Hosting;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// A data directory opened for exclusive use: its <c>.lock</c> is flock'ed for as long as this object lives
/// (the kernel drops the lock when the process dies), its <c>format.json</c> is read or, for a new directory,
/// written atomically, and its sub-directories exist.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    private static readonly JsonSerializerOptions FormatJson = new() { WriteIndented = true };
    private readonly SafeFileHandle _lock;

    private DataDirectory(ChunkPaths paths, SafeFileHandle lockHandle, DataDirectoryFormat format, bool created)
    {
        Paths = paths;
        _lock = lockHandle;
        Format = format;
        Created = created;
    }

    /// <summary>Where everything is.</summary>
    public ChunkPaths Paths { get; }

    /// <summary>The directory's format descriptor (a new one after <see cref="RenewIdentity"/>).</summary>
    public DataDirectoryFormat Format { get; private set; }

    /// <summary>Random id of this copy of the data.</summary>
    public string InstanceId => Format.InstanceId;

    /// <summary>Whether the directory was initialised by this open.</summary>
    public bool Created { get; }

    /// <summary>
    /// Opens (creating if needed) the data directory at <paramref name="path"/>; throws <see cref="StartupException"/>
    /// when another server holds it or its format is unknown.
    /// </summary>
    public static DataDirectory Open(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var paths = new ChunkPaths(Path.GetFullPath(path));
        var existed = Directory.Exists(paths.Root);
        try
        {
            Directory.CreateDirectory(paths.Root);
            if (!existed)
            {
                SyncParent(paths.Root);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Cannot create the data directory {paths.Root}: {ex.Message}", ex);
        }

        var lockHandle = AcquireLock(paths);
        try
        {
            var (format, created) = ReadOrCreateFormat(paths, time);
            foreach (var directory in new[] { paths.Chunks, paths.Temp, paths.Quarantine })
            {
                if (!Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory);
                    SyncParent(directory);
                }
            }

            return new DataDirectory(paths, lockHandle, format, created);
        }
        catch
        {
            lockHandle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loses everything as a failed disk would (the crash fault): every chunk file, every temporary file and
    /// <c>format.json</c>, so that a server restarted on the directory comes back empty with a new instance id.
    /// The lock stays held and <c>quarantine/</c> (the operator's) is kept. The caller keeps the index in step.
    /// </summary>
    public void Wipe()
    {
        foreach (var directory in new[] { Paths.Chunks, Paths.Temp })
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }

            NativeFileSystem.FsyncDirectory(directory);
        }

        File.Delete(Paths.FormatFile);
        NativeFileSystem.FsyncDirectory(Paths.Root);
    }

    /// <summary>
    /// Gives the directory a new identity (the restore after a crash): a new <c>format.json</c> with a new instance
    /// id, written atomically (temp file, fsync, rename, fsync of the directory).
    /// </summary>
    public void RenewIdentity(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var format = new DataDirectoryFormat(DataDirectoryFormat.CurrentFormat, Guid.NewGuid().ToString(), time.GetUtcNow());
        WriteFormat(Paths, format);
        foreach (var directory in new[] { Paths.Chunks, Paths.Temp, Paths.Quarantine })
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                SyncParent(directory);
            }
        }

        Format = format;
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private static SafeFileHandle AcquireLock(ChunkPaths paths)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (IOException ex)
        {
            // .NET takes a shared flock when it opens a file, which fails while another server holds the exclusive one.
            throw InUse(paths, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StartupException($"Cannot open {paths.LockFile}: {ex.Message}", ex);
        }

        try
        {
            if (!NativeFileSystem.TryLockExclusive(handle))
            {
                throw InUse(paths, "the lock is held");
            }

            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static StartupException InUse(ChunkPaths paths, string reason) =>
        new($"The data directory {paths.Root} is in use by another ReplicaFs data server ({reason}). " +
            "Each data server needs its own --data-dir.");

    private static (DataDirectoryFormat Format, bool Created) ReadOrCreateFormat(ChunkPaths paths, TimeProvider time)
    {
        if (File.Exists(paths.FormatFile))
        {
            return (ReadFormat(paths), false);
        }

        if (Directory.Exists(paths.Chunks) && Directory.EnumerateFileSystemEntries(paths.Chunks).Any())
        {
            throw new StartupException(
                $"The data directory {paths.Root} holds chunks but no format.json, so its format is unknown. " +
                "Restore format.json or start with an empty directory.");
        }

        var format = new DataDirectoryFormat(DataDirectoryFormat.CurrentFormat, Guid.NewGuid().ToString(), time.GetUtcNow());
        WriteFormat(paths, format);
        return (format, true);
    }

    private static void WriteFormat(ChunkPaths paths, DataDirectoryFormat format)
    {
        var temp = paths.FormatFile + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, format, FormatJson);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, paths.FormatFile, overwrite: true);
        NativeFileSystem.FsyncDirectory(paths.Root);
    }

    private static DataDirectoryFormat ReadFormat(ChunkPaths paths)
    {
        DataDirectoryFormat? format;
        try
        {
            format = JsonSerializer.Deserialize<DataDirectoryFormat>(File.ReadAllBytes(paths.FormatFile));
        }
        catch (JsonException ex)
        {
            throw new StartupException($"{paths.FormatFile} is not valid: {ex.Message}", ex);
        }

        if (format is null)
        {
            throw new StartupException($"{paths.FormatFile} is empty.");
        }

        if (format.Format != DataDirectoryFormat.CurrentFormat)
        {
            throw new StartupException(
                $"The data directory {paths.Root} has format {format.Format}; this server understands format {DataDirectoryFormat.CurrentFormat} only. " +
                "Run a ReplicaFs version that knows that format, or use another directory.");
        }

        if (!Guid.TryParse(format.InstanceId, out _))
        {
            throw new StartupException($"{paths.FormatFile} has no valid instanceId.");
        }

        return format;
    }

    private static void SyncParent(string path)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path));
        if (parent is not null)
        {
            NativeFileSystem.FsyncDirectory(parent);
        }
    }
}
