using Microsoft.Win32.SafeHandles;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// An open chunk file whose header and block hash table have been read and checked (not its payload:
/// verifying the payload is the reader's, the digest's and the scrubber's business).
/// </summary>
internal sealed class ChunkFile : IDisposable
{
    private ChunkFile(SafeFileHandle handle, ChunkFileHeader header, ulong[] blockHashes)
    {
        Handle = handle;
        Header = header;
        BlockHashes = blockHashes;
    }

    /// <summary>The open file.</summary>
    public SafeFileHandle Handle { get; }

    /// <summary>Its header.</summary>
    public ChunkFileHeader Header { get; }

    /// <summary>The block hashes recorded when it was written.</summary>
    public ulong[] BlockHashes { get; }

    /// <summary>Opens and checks a chunk file; throws <see cref="InvalidChunkFileException"/> when it does not check out.</summary>
    public static ChunkFile Open(string path, bool writable = false)
    {
        var handle = File.OpenHandle(
            path,
            FileMode.Open,
            writable ? FileAccess.ReadWrite : FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete);
        try
        {
            Span<byte> headerBytes = stackalloc byte[ChunkFileHeader.Size];
            var read = ReadFully(handle, headerBytes, 0);
            if (!ChunkFileHeader.TryRead(headerBytes[..read], out var header, out var problem))
            {
                throw new InvalidChunkFileException(problem);
            }

            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength != header.FileLength)
            {
                throw new InvalidChunkFileException(
                    $"the file is {fileLength} bytes long but its header describes {header.FileLength} bytes (payload {header.Length})");
            }

            var table = new byte[header.BlockCount * ChunkFileHeader.BlockHashSize];
            ReadFully(handle, table, ChunkFileHeader.Size);
            var blockHashes = new ulong[header.BlockCount];
            ChunkFileHeader.ReadBlockHashes(table, blockHashes);
            if (ChunkChecksum.Root(blockHashes) != header.Checksum)
            {
                throw new InvalidChunkFileException("the block hash table does not hash to the recorded checksum");
            }

            return new ChunkFile(handle, header, blockHashes);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; returns the bytes read.</summary>
    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();
}
