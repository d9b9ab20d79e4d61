using System.Buffers;
using System.Collections.Concurrent;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Cluster;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Chunk versions on disk, one file each (see <see cref="ChunkPaths"/> and <see cref="ChunkFileHeader"/>), with the
/// in-memory <see cref="ChunkIndex"/> that lists them. A version becomes visible only once its file is fsync'd,
/// renamed into place and its directory fsync'd; changes to a key are serialised by <see cref="KeyLocks"/>.
/// </summary>
internal sealed partial class ChunkStore(DataServerOptions options, TimeProvider time, ILogger<ChunkStore> logger) : IDisposable
{
    private readonly ChunkIndex _index = new();
    private readonly KeyLocks _locks = new();
    private readonly ConcurrentDictionary<string, bool> _knownShards = new(StringComparer.Ordinal);
    private DataDirectory? _directory;
    private int _epoch;
    private volatile bool _wiped;

    /// <summary>The open data directory.</summary>
    public DataDirectory DataDirectory => _directory ?? throw new InvalidOperationException("The chunk store is not open.");

    /// <summary>Where everything is.</summary>
    public ChunkPaths Paths => DataDirectory.Paths;

    /// <summary>Random id of this copy of the data.</summary>
    public string InstanceId => DataDirectory.InstanceId;

    /// <summary>Whether <see cref="Open"/> has completed.</summary>
    public bool IsOpen => _directory is not null;

    /// <summary>Chunk versions stored.</summary>
    public long ChunkCount => _index.Count;

    /// <summary>Payload bytes stored.</summary>
    public long BytesStored => _index.Bytes;

    /// <summary>Whether <see cref="WipeAsync"/> dropped everything and <see cref="RenewAsync"/> has not been called since.</summary>
    public bool IsWiped => _wiped;

    /// <summary>Whether writes find room (ENOSPC marks the directory full until a write succeeds), and the injected disk-full fault.</summary>
    public DiskSpace DiskSpace { get; } = new();

    /// <summary>Files moved to <c>quarantine/</c> by the start-up check.</summary>
    public int QuarantinedAtStart { get; private set; }

    /// <summary>
    /// Locks and opens the data directory, deletes leftover temporary files, moves chunk files that do not check
    /// out to <c>quarantine/</c> and builds the index from the headers of the rest.
    /// </summary>
    public void Open()
    {
        if (_directory is not null)
        {
            throw new InvalidOperationException("The chunk store is already open.");
        }

        _directory = DataDirectory.Open(options.DataDir.FullName, time);
        try
        {
            var removed = RemoveTempFiles();
            var quarantined = LoadChunks();
            QuarantinedAtStart = quarantined;
            LogOpened(logger, Paths.Root, InstanceId, DataDirectory.Created, _index.Count, _index.Bytes, removed, quarantined);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _directory.Dispose();
            _directory = null;
            throw new StartupException($"Cannot read the data directory {options.DataDir.FullName}: {ex.Message}", ex);
        }
    }

    /// <summary>Stored versions of <paramref name="key"/>, ascending.</summary>
    public long[] Versions(string key) => _index.Versions(key);

    /// <summary>The index entry of a version (the newest when <paramref name="version"/> is null).</summary>
    public bool TryGet(string key, long? version, out StoredVersion stored) => _index.TryGet(key, version, out stored);

    /// <summary>A page of the chunk list; see <see cref="ChunkIndex.Page"/>.</summary>
    public (List<StoredChunk> Page, bool More) List(string? afterKey, long? afterVersion, int limit) =>
        _index.Page(afterKey, afterVersion, limit);

    /// <summary>A page of index entries; see <see cref="ChunkIndex.Entries"/>.</summary>
    public (List<(string Key, StoredVersion Stored)> Entries, bool More) Entries(string? afterKey, long? afterVersion, int limit) =>
        _index.Entries(afterKey, afterVersion, limit);

    /// <summary>Counts and sizes, with the capacity and free space of the data directory's file system.</summary>
    public DataServerStats Stats()
    {
        var drive = new DriveInfo(Paths.Root);
        return new DataServerStats(_index.Count, _index.Bytes, drive.TotalSize, drive.AvailableFreeSpace);
    }

    /// <summary>
    /// Stores version <paramref name="version"/> of <paramref name="key"/> from <paramref name="body"/> if it hashes to
    /// <paramref name="checksum"/>. Idempotent: storing the same (version, checksum) again changes nothing.
    /// </summary>
    public async Task<PutOutcome> PutAsync(string key, long version, ulong checksum, Stream body, long? length, CancellationToken cancellationToken)
    {
        // A retry or a conflicting write is answered without reading the body.
        if (_index.TryGet(key, version, out var existing))
        {
            return new PutOutcome(existing.Checksum == checksum ? PutStatus.AlreadyStored : PutStatus.Conflict, existing, null);
        }

        try
        {
            var epoch = StartWrite();
            var written = await ChunkFileWriter.WriteAsync(
                Paths.NewTempFile(), version, body, length, DataServerOptions.MaxChunkBytes, time.GetUtcNow(), cancellationToken);
            var computed = written.Header.Checksum;
            if (computed != checksum)
            {
                ChunkFileWriter.TryDelete(written.TempPath);
                return new PutOutcome(PutStatus.ChecksumMismatch, default, computed);
            }

            using (await _locks.AcquireAsync(key, CancellationToken.None))
            {
                EnsureSameEpoch(epoch, written.TempPath);
                if (_index.TryGet(key, version, out existing))
                {
                    ChunkFileWriter.TryDelete(written.TempPath);
                    return new PutOutcome(existing.Checksum == checksum ? PutStatus.AlreadyStored : PutStatus.Conflict, existing, computed);
                }

                var stored = MoveIntoPlace(key, written);
                DiskSpace.RecordWritten();
                return new PutOutcome(PutStatus.Created, stored, computed);
            }
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOSPC)
        {
            DiskSpace.RecordNoSpace(time.GetUtcNow());
            throw;
        }
    }

    /// <summary>
    /// Stores version <paramref name="version"/> of <paramref name="key"/> from <paramref name="body"/>, replacing any
    /// copy of that version, but only if the bytes hash to <paramref name="checksum"/>; otherwise throws
    /// <see cref="PosixException"/> (EIO, with a <see cref="ChecksumMismatchException"/> inside) and leaves the local copy untouched. Returns what is stored and whether a copy was replaced.
    /// </summary>
    public async Task<(StoredVersion Stored, bool Replaced)> ReplaceAsync(
        string key, long version, ulong checksum, Stream body, long? length, CancellationToken cancellationToken)
    {
        try
        {
            var epoch = StartWrite();
            var written = await ChunkFileWriter.WriteAsync(
                Paths.NewTempFile(), version, body, length, DataServerOptions.MaxChunkBytes, time.GetUtcNow(), cancellationToken);
            if (written.Header.Checksum != checksum)
            {
                ChunkFileWriter.TryDelete(written.TempPath);
                var message = $"The received bytes hash to {ChunkChecksum.Format(written.Header.Checksum)}, not to the expected {ChunkChecksum.Format(checksum)}; the local copy was left as it was.";
                throw new PosixException(Errno.EIO, message, new ChecksumMismatchException(message));
            }

            using (await _locks.AcquireAsync(key, CancellationToken.None))
            {
                EnsureSameEpoch(epoch, written.TempPath);
                var replaced = _index.TryGet(key, version, out _);
                var stored = MoveIntoPlace(key, written);
                DiskSpace.RecordWritten();
                return (stored, replaced);
            }
        }
        catch (PosixException ex) when (ex.Errno == Errno.ENOSPC)
        {
            DiskSpace.RecordNoSpace(time.GetUtcNow());
            throw;
        }
    }

    /// <summary>Opens a stored version for reading (the newest when <paramref name="version"/> is null); null when it is not stored.</summary>
    public ChunkFile? OpenRead(string key, long? version)
    {
        while (_index.TryGet(key, version, out var stored))
        {
            var path = Paths.ChunkFile(key, stored.Version);
            try
            {
                var file = ChunkFile.Open(path);
                if (file.Header.Version != stored.Version)
                {
                    file.Dispose();
                    throw new PosixException(Errno.EIO, $"The stored file of {key} version {stored.Version} says it holds version {file.Header.Version}.");
                }

                return file;
            }
            catch (FileNotFoundException)
            {
                // Deleted since the lookup (then the index no longer has it), or removed behind the server's back.
                if (_index.TryGet(key, stored.Version, out var again) && again == stored && !File.Exists(path))
                {
                    LogVanished(logger, key, stored.Version, path);
                    _index.Remove(key, stored.Version);
                }
            }
            catch (InvalidChunkFileException ex)
            {
                throw new PosixException(Errno.EIO, $"The stored copy of {key} version {stored.Version} is damaged: {ex.Message}.", ex);
            }
        }

        return null;
    }

    /// <summary>Deletes one version, every version below <paramref name="below"/>, or (both null) every version of <paramref name="key"/>.</summary>
    public async Task<int> DeleteAsync(string key, long? version, long? below, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(key, cancellationToken))
        {
            var victims = _index.Versions(key)
                .Where(v => version is { } only ? v == only : below is not { } limit || v < limit)
                .ToList();
            foreach (var victim in victims)
            {
                File.Delete(Paths.ChunkFile(key, victim));
                _index.Remove(key, victim);
            }

            if (victims.Count > 0)
            {
                NativeFileSystem.FsyncDirectory(Paths.ShardDirectory(key));
            }

            return victims.Count;
        }
    }

    /// <summary>The checksum of a stored version recomputed from the bytes on disk now; null when it is not stored.</summary>
    public Task<ChunkDigest?> DigestAsync(string key, long? version, CancellationToken cancellationToken) =>
        DigestAsync(key, version, range: null, throttle: null, cancellationToken);

    /// <summary>
    /// Like <see cref="DigestAsync(string, long?, CancellationToken)"/>, taking each block's bytes from
    /// <paramref name="throttle"/> before reading it (scrubbing at a bounded rate).
    /// </summary>
    public Task<ChunkDigest?> DigestAsync(string key, long? version, TokenBucket? throttle, CancellationToken cancellationToken) =>
        DigestAsync(key, version, range: null, throttle, cancellationToken);

    /// <summary>
    /// The checksum of a stored version with the blocks covering <paramref name="range"/> (chunk offset and length;
    /// the whole payload when null) re-read and re-hashed from disk now, and the other blocks' hashes taken from the
    /// recorded block table (whose root <see cref="ChunkFile.Open"/> has checked against the recorded checksum).
    /// A flipped byte inside the range therefore makes the digest differ from the recorded checksum; one outside it
    /// is left to the scrubber and to full digests. Null when the version is not stored.
    /// </summary>
    public async Task<ChunkDigest?> DigestAsync(
        string key, long? version, (long Offset, long Length)? range, TokenBucket? throttle, CancellationToken cancellationToken)
    {
        using var file = OpenRead(key, version);
        if (file is null)
        {
            return null;
        }

        var header = file.Header;
        var (firstBlock, endBlock) = BlocksOf(range, header);
        var hashes = range is null ? new ulong[header.BlockCount] : (ulong[])file.BlockHashes.Clone();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkChecksum.BlockSize);
        try
        {
            for (var block = firstBlock; block < endBlock; block++)
            {
                var start = (long)block * ChunkChecksum.BlockSize;
                var count = (int)Math.Min(ChunkChecksum.BlockSize, header.Length - start);
                if (throttle is not null)
                {
                    await throttle.TakeAsync(count, cancellationToken);
                }

                var read = await ReadFullyAsync(file, buffer.AsMemory(0, count), header.PayloadOffset + start, cancellationToken);
                hashes[block] = ChunkChecksum.HashBlock(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var computed = ChunkChecksum.Root(hashes);
        return new ChunkDigest(
            key, header.Version, header.Length, ChunkChecksum.Format(computed), ChunkChecksum.Format(header.Checksum), computed == header.Checksum);
    }

    /// <summary>The blocks [first, end) a digest re-reads: every block, or those overlapping the range (clamped to the payload).</summary>
    private static (int First, int End) BlocksOf((long Offset, long Length)? range, ChunkFileHeader header)
    {
        if (range is not { } wanted)
        {
            return (0, header.BlockCount);
        }

        long blockSize = ChunkChecksum.BlockSize;
        var start = Math.Min(wanted.Offset, header.Length);
        var end = Math.Min(header.Length, start + Math.Min(wanted.Length, header.Length - start));
        if (end <= start)
        {
            return (0, 0);
        }

        return ((int)(start / blockSize), (int)((end + blockSize - 1) / blockSize));
    }

    /// <summary>
    /// Fault injection: flips (XOR 0xFF) <paramref name="count"/> bytes of the stored payload in place, leaving the
    /// header and its checksum as they were, and fsyncs. Null when the version is not stored.
    /// </summary>
    public async Task<CorruptResult?> CorruptAsync(string key, long? version, long? offset, int count, CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAsync(key, cancellationToken))
        {
            if (!_index.TryGet(key, version, out var stored))
            {
                return null;
            }

            if (stored.Length == 0)
            {
                throw new PosixException(Errno.EINVAL, $"{key} version {stored.Version} is empty: there are no bytes to corrupt.");
            }

            var start = offset ?? Math.Max(0, Math.Min(stored.Length / 2, stored.Length - count));
            if (start >= stored.Length)
            {
                throw new PosixException(Errno.EINVAL, $"Offset {start} is beyond the {stored.Length} bytes of {key} version {stored.Version}.");
            }

            var flipped = (int)Math.Min(count, stored.Length - start);
            using var file = ChunkFile.Open(Paths.ChunkFile(key, stored.Version), writable: true);
            var bytes = ArrayPool<byte>.Shared.Rent(flipped);
            try
            {
                var position = file.Header.PayloadOffset + start;
                var read = await ReadFullyAsync(file, bytes.AsMemory(0, flipped), position, cancellationToken);
                for (var i = 0; i < read; i++)
                {
                    bytes[i] ^= 0xFF;
                }

                await RandomAccess.WriteAsync(file.Handle, bytes.AsMemory(0, read), position, cancellationToken);
                RandomAccess.FlushToDisk(file.Handle);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            LogCorrupted(logger, key, stored.Version, start, flipped);
            return new CorruptResult(key, stored.Version, start, flipped);
        }
    }

    /// <summary>
    /// The crash fault: drops every chunk version from disk (chunk files, temporary files, <c>format.json</c>; see
    /// <see cref="DataDirectory.Wipe"/>) and from the index, under every key lock. Writes in flight are refused
    /// when they try to move into place, so nothing comes back. Until <see cref="RenewAsync"/> every write is refused.
    /// Returns the versions and bytes dropped.
    /// </summary>
    public async Task<(long Versions, long Bytes)> WipeAsync(CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAllAsync(cancellationToken))
        {
            var dropped = (_index.Count, _index.Bytes);
            _wiped = true;
            Interlocked.Increment(ref _epoch);
            _index.Clear();
            _knownShards.Clear();
            DataDirectory.Wipe();
            LogWiped(logger, Paths.Root, dropped.Count, dropped.Bytes);
            return dropped;
        }
    }

    /// <summary>After <see cref="WipeAsync"/>: a new, empty identity (a new instance id in a new <c>format.json</c>); writes are accepted again.</summary>
    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        using (await _locks.AcquireAllAsync(cancellationToken))
        {
            DataDirectory.RenewIdentity(time);
            Interlocked.Increment(ref _epoch);
            _wiped = false;
            LogRenewed(logger, Paths.Root, InstanceId);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _locks.Dispose();
        _directory?.Dispose();
    }

    private static async ValueTask<int> ReadFullyAsync(ChunkFile file, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(file.Handle, buffer[total..], offset + total, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Refuses writes while wiped; returns the epoch the write must still be in when it moves into place.</summary>
    private int StartWrite() =>
        _wiped
            ? throw new PosixException(Errno.EAGAIN, "The data server has crashed (fault injection) and stores nothing until it is restored.")
            : DiskSpace.InjectedFull
                ? throw new PosixException(Errno.ENOSPC, "The data directory is full (injected fault: disk-full); nothing was stored.")
                : Volatile.Read(ref _epoch);

    /// <summary>Under a key lock: a write that started before a wipe or renewal must not bring its file back.</summary>
    private void EnsureSameEpoch(int epoch, string tempPath)
    {
        if (Volatile.Read(ref _epoch) != epoch)
        {
            ChunkFileWriter.TryDelete(tempPath);
            throw new PosixException(Errno.EAGAIN, "The data server crashed (fault injection) while this chunk was being written; nothing was stored.");
        }
    }

    /// <summary>Renames a written temp file into place and updates the index; the caller holds the key's lock.</summary>
    private StoredVersion MoveIntoPlace(string key, WrittenChunk written)
    {
        var header = written.Header;
        string shard;
        try
        {
            shard = EnsureShardDirectory(key);
            File.Move(written.TempPath, Path.Combine(shard, ChunkPaths.FileName(key, header.Version)), overwrite: true);
        }
        catch (Exception ex)
        {
            ChunkFileWriter.TryDelete(written.TempPath);
            if (ex is IOException io && DiskErrors.IsNoSpace(io))
            {
                throw new PosixException(Errno.ENOSPC, "The data directory is full: no room for the chunk's directory entry; nothing was stored.", io);
            }

            throw;
        }

        var stored = new StoredVersion(header.Version, header.Length, header.Checksum, header.CreatedAtUnixMs);
        _index.Set(key, stored);
        NativeFileSystem.FsyncDirectory(shard);
        return stored;
    }

    private string EnsureShardDirectory(string key)
    {
        var shard = Paths.ShardDirectory(key);
        if (_knownShards.ContainsKey(shard))
        {
            return shard;
        }

        var outer = Path.GetDirectoryName(shard)!;
        if (!Directory.Exists(outer))
        {
            Directory.CreateDirectory(outer);
            NativeFileSystem.FsyncDirectory(Paths.Chunks);
        }

        if (!Directory.Exists(shard))
        {
            Directory.CreateDirectory(shard);
            NativeFileSystem.FsyncDirectory(outer);
        }

        _knownShards.TryAdd(shard, true);
        return shard;
    }

    private int RemoveTempFiles()
    {
        var removed = 0;
        foreach (var entry in new DirectoryInfo(Paths.Temp).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }

            removed++;
        }

        if (removed > 0)
        {
            NativeFileSystem.FsyncDirectory(Paths.Temp);
            LogTempRemoved(logger, removed, Paths.Temp);
        }

        return removed;
    }

    private int LoadChunks()
    {
        var quarantined = 0;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Paths.Chunks, "*", SearchOption.AllDirectories))
        {
            var problem = CheckChunkFile(path, out var key, out var stored);
            if (problem is null)
            {
                _index.Set(key, stored);
                _knownShards.TryAdd(Path.GetDirectoryName(path)!, true);
                continue;
            }

            Quarantine(path, problem);
            touched.Add(Path.GetDirectoryName(path)!);
            quarantined++;
        }

        if (quarantined > 0)
        {
            foreach (var directory in touched)
            {
                NativeFileSystem.FsyncDirectory(directory);
            }

            NativeFileSystem.FsyncDirectory(Paths.Quarantine);
        }

        return quarantined;
    }

    /// <summary>Null when <paramref name="path"/> is a sound chunk file in its right place; otherwise what is wrong.</summary>
    private string? CheckChunkFile(string path, out string key, out StoredVersion stored)
    {
        stored = default;
        var relative = Path.GetRelativePath(Paths.Chunks, path).Split(Path.DirectorySeparatorChar);
        if (!ChunkPaths.TryParseFileName(Path.GetFileName(path), out key, out var version))
        {
            return "the file name is not <key>.<16 hex digit version>.chunk";
        }

        var (outer, inner) = ChunkPaths.Shard(key);
        if (relative.Length != 3 || relative[0] != outer || relative[1] != inner)
        {
            return $"the file is not in its shard directory chunks/{outer}/{inner}";
        }

        try
        {
            using var file = ChunkFile.Open(path);
            if (file.Header.Version != version)
            {
                return $"the header says version {file.Header.Version} but the name says {version}";
            }

            stored = new StoredVersion(version, file.Header.Length, file.Header.Checksum, file.Header.CreatedAtUnixMs);
            return null;
        }
        catch (InvalidChunkFileException ex)
        {
            return ex.Message;
        }
    }

    private void Quarantine(string path, string reason)
    {
        var name = $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Path.GetFileName(path)}";
        var destination = Path.Combine(Paths.Quarantine, name);
        if (File.Exists(destination))
        {
            destination = Path.Combine(Paths.Quarantine, $"{Guid.NewGuid():N}-{name}");
        }

        File.Move(path, destination);
        LogQuarantined(logger, path, destination, reason);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Opened data directory {Root} (instance {InstanceId}, new: {Created}): {Chunks} chunk versions, {Bytes} bytes; {TempRemoved} temporary files removed, {Quarantined} files quarantined")]
    private static partial void LogOpened(ILogger logger, string root, string instanceId, bool created, long chunks, long bytes, int tempRemoved, int quarantined);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} leftover temporary files from {Directory}")]
    private static partial void LogTempRemoved(ILogger logger, int count, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined {Path} to {Destination}: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, string path, string destination, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {Key} version {Version} vanished from disk ({Path}); dropped from the index")]
    private static partial void LogVanished(ILogger logger, string key, long version, string path);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Fault injected: crash. Dropped {Versions} chunk versions ({Bytes} bytes) and format.json from {Root}; storing nothing until restored")]
    private static partial void LogWiped(ILogger logger, string root, long versions, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored after a crash: {Root} is empty with the new instance {InstanceId}")]
    private static partial void LogRenewed(ILogger logger, string root, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault injected: flipped {Count} bytes of chunk {Key} version {Version} at offset {Offset}")]
    private static partial void LogCorrupted(ILogger logger, string key, long version, long offset, int count);
}
