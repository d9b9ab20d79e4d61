using System.Buffers;
using Microsoft.Win32.SafeHandles;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Streams a chunk body into a new file in <c>tmp/</c>, hashing it block by block on the way through pooled
/// buffers (never more than one block in memory), then writes the header and block hash table and fsyncs.
/// The caller verifies the checksum and renames the file into place, or deletes it.
/// </summary>
internal static class ChunkFileWriter
{
    /// <summary>Writes <paramref name="source"/> as version <paramref name="version"/> to <paramref name="tempPath"/>; the file is deleted on failure.</summary>
    /// <param name="tempPath">A path in <c>tmp/</c> that does not exist yet.</param>
    /// <param name="version">The chunk version recorded in the header.</param>
    /// <param name="source">The body.</param>
    /// <param name="expectedLength">The announced length (Content-Length), when known.</param>
    /// <param name="maxBytes">Largest body accepted.</param>
    /// <param name="createdAt">Time recorded in the header.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static async Task<WrittenChunk> WriteAsync(
        string tempPath,
        long version,
        Stream source,
        long? expectedLength,
        long maxBytes,
        DateTimeOffset createdAt,
        CancellationToken cancellationToken)
    {
        if (expectedLength > maxBytes)
        {
            throw new ChunkBodyException(ChunkBodyProblem.TooLarge, $"The body is {expectedLength} bytes; the largest chunk accepted is {maxBytes} bytes.");
        }

        // With a known length the block table gets exactly its room; otherwise room for the largest chunk is
        // reserved and the payload is moved down once its real length is known.
        var reservedBlocks = ChunkChecksum.BlockCount(expectedLength ?? maxBytes);
        var reservedOffset = ChunkFileHeader.PayloadOffsetFor(reservedBlocks);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkChecksum.BlockSize);
        var hashes = ArrayPool<ulong>.Shared.Rent(ChunkChecksum.BlockCount(maxBytes) + 1);
        var completed = false;
        try
        {
            using var handle = OpenTemp(tempPath, expectedLength is { } known ? reservedOffset + known : 0);
            var total = 0L;
            var blocks = 0;
            while (true)
            {
                var filled = await FillAsync(source, buffer.AsMemory(0, ChunkChecksum.BlockSize), cancellationToken);
                if (filled == 0)
                {
                    break;
                }

                if (total + filled > maxBytes)
                {
                    throw new ChunkBodyException(ChunkBodyProblem.TooLarge, $"The body is larger than the largest chunk accepted ({maxBytes} bytes).");
                }

                if (total + filled > expectedLength)
                {
                    throw new ChunkBodyException(ChunkBodyProblem.Incomplete, $"The body is longer than the announced {expectedLength} bytes.");
                }

                hashes[blocks++] = ChunkChecksum.HashBlock(buffer.AsSpan(0, filled));
                await WriteAsync(handle, buffer.AsMemory(0, filled), reservedOffset + total, cancellationToken);
                total += filled;
                if (filled < ChunkChecksum.BlockSize)
                {
                    break;
                }
            }

            if (expectedLength is { } announced && total != announced)
            {
                throw new ChunkBodyException(ChunkBodyProblem.Incomplete, $"The body ended after {total} of the announced {announced} bytes.");
            }

            var blockHashes = hashes.AsSpan(0, blocks).ToArray();
            var header = new ChunkFileHeader(version, total, ChunkChecksum.Root(blockHashes), createdAt.ToUnixTimeMilliseconds());
            if (header.PayloadOffset != reservedOffset)
            {
                await MovePayloadAsync(handle, reservedOffset, header.PayloadOffset, total, buffer, cancellationToken);
            }

            await WriteHeaderAsync(handle, header, blockHashes, cancellationToken);
            Flush(handle);
            completed = true;
            return new WrittenChunk(tempPath, header, blockHashes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<ulong>.Shared.Return(hashes);
            if (!completed)
            {
                TryDelete(tempPath);
            }
        }
    }

    /// <summary>Deletes a file, ignoring a file that is already gone.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Leftover temp files are removed at the next start.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static SafeFileHandle OpenTemp(string path, long preallocate)
    {
        try
        {
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocate);
        }
        catch (IOException ex) when (DiskErrors.IsNoSpace(ex))
        {
            throw new PosixException(Errno.ENOSPC, "The data directory is full.", ex);
        }
    }

    private static async ValueTask<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var read = await source.ReadAsync(buffer[total..], cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (BadHttpRequestException ex)
        {
            throw new ChunkBodyException(
                ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? ChunkBodyProblem.TooLarge : ChunkBodyProblem.Incomplete,
                ex.Message,
                ex);
        }
        catch (IOException ex)
        {
            throw new ChunkBodyException(ChunkBodyProblem.Incomplete, $"Reading the body failed: {ex.Message}", ex);
        }

        return total;
    }

    private static async ValueTask WriteAsync(SafeFileHandle handle, ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, data, offset, cancellationToken);
        }
        catch (IOException ex) when (DiskErrors.IsNoSpace(ex))
        {
            throw new PosixException(Errno.ENOSPC, "The data directory is full.", ex);
        }
    }

    private static async Task MovePayloadAsync(SafeFileHandle handle, long from, long to, long length, byte[] buffer, CancellationToken cancellationToken)
    {
        // to < from, so copying front to back never overwrites bytes not yet moved.
        for (var position = 0L; position < length; position += ChunkChecksum.BlockSize)
        {
            var count = (int)Math.Min(ChunkChecksum.BlockSize, length - position);
            var read = ChunkFile.ReadFully(handle, buffer.AsSpan(0, count), from + position);
            if (read != count)
            {
                throw new IOException("The temporary chunk file is shorter than what was written to it.");
            }

            await WriteAsync(handle, buffer.AsMemory(0, count), to + position, cancellationToken);
        }

        RandomAccess.SetLength(handle, to + length);
    }

    private static async Task WriteHeaderAsync(SafeFileHandle handle, ChunkFileHeader header, ulong[] blockHashes, CancellationToken cancellationToken)
    {
        var size = (int)header.PayloadOffset;
        var bytes = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            header.WriteTo(bytes);
            ChunkFileHeader.WriteBlockHashes(blockHashes, bytes.AsSpan(ChunkFileHeader.Size));
            await WriteAsync(handle, bytes.AsMemory(0, size), 0, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void Flush(SafeFileHandle handle)
    {
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException ex) when (DiskErrors.IsNoSpace(ex))
        {
            throw new PosixException(Errno.ENOSPC, "The data directory is full.", ex);
        }
    }
}
