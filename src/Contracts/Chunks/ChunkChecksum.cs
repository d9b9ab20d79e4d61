using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace ReplicaFs.Contracts.Chunks;

/// <summary>
/// The checksum of a chunk: XxHash3-64 over the little-endian list of the XxHash3-64 hashes of its
/// 64 KiB blocks (the last block may be shorter; an empty chunk has no blocks). Hashing blocks first lets a
/// reader verify any block-aligned range of a chunk against the committed checksum without fetching the whole
/// chunk: it checks the block hashes it received against the root, and the bytes against their block hashes.
/// Written as 16 lowercase hex digits on the wire.
/// </summary>
public static class ChunkChecksum
{
    /// <summary>Size of a checksum block.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Number of blocks in a chunk of <paramref name="length"/> bytes.</summary>
    public static int BlockCount(long length) => checked((int)((length + BlockSize - 1) / BlockSize));

    /// <summary>Hash of one block.</summary>
    public static ulong HashBlock(ReadOnlySpan<byte> block) => XxHash3.HashToUInt64(block);

    /// <summary>Hashes every block of <paramref name="data"/> into <paramref name="blockHashes"/>.</summary>
    public static void HashBlocks(ReadOnlySpan<byte> data, Span<ulong> blockHashes)
    {
        var count = BlockCount(data.Length);
        if (blockHashes.Length < count)
        {
            throw new ArgumentException("The hash buffer is too small.", nameof(blockHashes));
        }

        for (var i = 0; i < count; i++)
        {
            var start = i * BlockSize;
            blockHashes[i] = HashBlock(data.Slice(start, Math.Min(BlockSize, data.Length - start)));
        }
    }

    /// <summary>The chunk checksum from its block hashes.</summary>
    public static ulong Root(ReadOnlySpan<ulong> blockHashes)
    {
        var hash = new XxHash3();
        Span<byte> le = stackalloc byte[8];
        foreach (var h in blockHashes)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(le, h);
            hash.Append(le);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>The chunk checksum of <paramref name="data"/>.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data)
    {
        var count = BlockCount(data.Length);
        var hashes = count <= 256 ? stackalloc ulong[count] : new ulong[count];
        HashBlocks(data, hashes);
        return Root(hashes);
    }

    /// <summary>16 lowercase hex digits.</summary>
    public static string Format(ulong checksum) => checksum.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses 16 lowercase hex digits.</summary>
    public static bool TryParse(string? text, out ulong checksum) => ChunkKey.TryParseChecksum(text, out checksum);

    /// <summary>Block hashes as a string: 16 hex digits each, no separator (used in a response header).</summary>
    public static string FormatBlockHashes(ReadOnlySpan<ulong> blockHashes)
    {
        return string.Create(blockHashes.Length * 16, blockHashes.ToArray(), static (span, hashes) =>
        {
            for (var i = 0; i < hashes.Length; i++)
            {
                hashes[i].TryFormat(span.Slice(i * 16, 16), out _, "x16", CultureInfo.InvariantCulture);
            }
        });
    }

    /// <summary>Parses the output of <see cref="FormatBlockHashes"/>.</summary>
    public static bool TryParseBlockHashes(string? text, out ulong[] blockHashes)
    {
        blockHashes = [];
        if (text is null || text.Length % 16 != 0)
        {
            return false;
        }

        var result = new ulong[text.Length / 16];
        for (var i = 0; i < result.Length; i++)
        {
            if (!TryParse(text.Substring(i * 16, 16), out result[i]))
            {
                return false;
            }
        }

        blockHashes = result;
        return true;
    }
}
