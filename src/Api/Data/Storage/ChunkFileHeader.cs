using System.Buffers.Binary;
using System.IO.Hashing;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// The fixed header at the start of every chunk file (format 1, all integers little-endian; see docs/on-disk-format.md):
/// <code>
///  0  8  magic "RFSCHUNK"
///  8  2  format version (1)
/// 10  2  header length (64): the block hash table starts here
/// 12  4  flags (0)
/// 16  8  chunk version (≥ 1)
/// 24  8  stored length (payload bytes)
/// 32  8  checksum (ChunkChecksum root of the block hashes)
/// 40  4  block count (ceil(length / block size))
/// 44  4  block size (65536)
/// 48  8  created at (Unix milliseconds, informational)
/// 56  8  header checksum: XxHash3-64 of bytes 0..55
/// </code>
/// followed by <c>block count</c> block hashes (8 bytes each) and the payload.
/// </summary>
internal readonly record struct ChunkFileHeader(long Version, long Length, ulong Checksum, long CreatedAtUnixMs)
{
    /// <summary>The format this code writes and reads.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Bytes of the fixed header.</summary>
    public const int Size = 64;

    /// <summary>Bytes of one entry of the block hash table.</summary>
    public const int BlockHashSize = 8;

    private const int HeaderChecksumOffset = 56;

    /// <summary>The magic number, "RFSCHUNK" in ASCII.</summary>
    public static ReadOnlySpan<byte> Magic => "RFSCHUNK"u8;

    /// <summary>Number of checksum blocks of the payload.</summary>
    public int BlockCount => ChunkChecksum.BlockCount(Length);

    /// <summary>Where the payload starts in the file.</summary>
    public long PayloadOffset => PayloadOffsetFor(BlockCount);

    /// <summary>The size the file must have.</summary>
    public long FileLength => PayloadOffset + Length;

    /// <summary>Where the payload starts in a file with <paramref name="blockCount"/> blocks.</summary>
    public static long PayloadOffsetFor(int blockCount) => Size + ((long)blockCount * BlockHashSize);

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        var header = destination[..Size];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)BlockCount);
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], ChunkChecksum.BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], CreatedAtUnixMs);
        BinaryPrimitives.WriteUInt64LittleEndian(header[HeaderChecksumOffset..], XxHash3.HashToUInt64(header[..HeaderChecksumOffset]));
    }

    /// <summary>Parses and checks a header; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ChunkFileHeader header, out string problem)
    {
        header = default;
        if (source.Length < Size)
        {
            problem = $"the file is shorter ({source.Length} bytes) than a chunk header ({Size} bytes)";
            return false;
        }

        var bytes = source[..Size];
        if (!bytes[..8].SequenceEqual(Magic))
        {
            problem = "the magic number is not RFSCHUNK";
            return false;
        }

        var format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        if (format != FormatVersion)
        {
            problem = $"unsupported chunk file format {format}";
            return false;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[HeaderChecksumOffset..]) != XxHash3.HashToUInt64(bytes[..HeaderChecksumOffset]))
        {
            problem = "the header checksum does not match";
            return false;
        }

        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        var version = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]);
        var checksum = BinaryPrimitives.ReadUInt64LittleEndian(bytes[32..]);
        var blockCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes[40..]);
        var blockSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[44..]);
        var createdAt = BinaryPrimitives.ReadInt64LittleEndian(bytes[48..]);
        if (headerLength != Size || flags != 0 || blockSize != ChunkChecksum.BlockSize)
        {
            problem = $"unexpected header length {headerLength}, flags {flags} or block size {blockSize}";
            return false;
        }

        if (version < 1 || length < 0 || length > DataServerOptions.MaxChunkBytes || blockCount != ChunkChecksum.BlockCount(length))
        {
            problem = $"inconsistent version {version}, length {length} or block count {blockCount}";
            return false;
        }

        header = new ChunkFileHeader(version, length, checksum, createdAt);
        problem = string.Empty;
        return true;
    }

    /// <summary>Writes <paramref name="blockHashes"/> as the block hash table.</summary>
    public static void WriteBlockHashes(ReadOnlySpan<ulong> blockHashes, Span<byte> destination)
    {
        for (var i = 0; i < blockHashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(i * BlockHashSize)..], blockHashes[i]);
        }
    }

    /// <summary>Reads a block hash table.</summary>
    public static void ReadBlockHashes(ReadOnlySpan<byte> source, Span<ulong> blockHashes)
    {
        for (var i = 0; i < blockHashes.Length; i++)
        {
            blockHashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[(i * BlockHashSize)..]);
        }
    }
}
