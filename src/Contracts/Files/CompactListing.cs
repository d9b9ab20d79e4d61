using System.Buffers.Binary;
using System.Text;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Contracts.Files;

/// <summary>
/// The compact binary encoding of a <see cref="DirectoryPage"/>, media type <see cref="MediaType"/>. The metadata
/// server sends it instead of JSON when the request's <c>Accept</c> asks for it; the FUSE client always does. A JSON
/// page of 1,000 entries is about 270 KB and took milliseconds to write and as many to read, more than the query;
/// this encoding is about 100 bytes per entry and costs microseconds. Layout (version 1, integers little-endian) in
/// docs/metadata-server.md, "Compact listings".
/// </summary>
public static class CompactListing
{
    /// <summary>The media type, for <c>Accept</c> and <c>Content-Type</c>.</summary>
    public const string MediaType = "application/vnd.replicafs.listing";

    /// <summary>The layout version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Bytes of one attributes record.</summary>
    public const int AttributesBytes = 80;

    /// <summary>Bytes of the page header: magic, version, flags, reserved, next cookie, entry count.</summary>
    public const int HeaderBytes = 20;

    private const byte HasNextCookie = 1;
    private const byte HasDirectory = 2;
    private const int EntryFixedBytes = 8 + AttributesBytes + 2;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static ReadOnlySpan<byte> Magic => "RFSL"u8;

    /// <summary>Encodes <paramref name="page"/>.</summary>
    /// <exception cref="ArgumentException">An entry name is longer than 65,535 bytes of UTF-8 (no valid name is).</exception>
    public static byte[] Encode(DirectoryPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var size = HeaderBytes + (page.Directory is null ? 0 : AttributesBytes);
        foreach (var entry in page.Entries)
        {
            size += EntryFixedBytes + Strict.GetByteCount(entry.Name);
        }

        var data = new byte[size];
        var span = data.AsSpan();
        Magic.CopyTo(span);
        span[4] = Version;
        span[5] = (byte)((page.NextCookie is null ? 0 : HasNextCookie) | (page.Directory is null ? 0 : HasDirectory));
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], page.NextCookie ?? 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], page.Entries.Count);
        var at = HeaderBytes;
        if (page.Directory is { } directory)
        {
            WriteAttributes(span.Slice(at, AttributesBytes), directory);
            at += AttributesBytes;
        }

        foreach (var entry in page.Entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Cookie);
            WriteAttributes(span.Slice(at + 8, AttributesBytes), entry.Attributes);
            var nameLength = Strict.GetBytes(entry.Name, span[(at + EntryFixedBytes)..]);
            if (nameLength > ushort.MaxValue)
            {
                throw new ArgumentException($"The entry name '{entry.Name[..16]}…' is too long to encode.", nameof(page));
            }

            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 8 + AttributesBytes)..], (ushort)nameLength);
            at += EntryFixedBytes + nameLength;
        }

        return data;
    }

    /// <summary>Decodes a page written by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a complete version-1 page (the message says what is wrong).</exception>
    public static DirectoryPage Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes || !data[..4].SequenceEqual(Magic))
        {
            throw new FormatException($"Not a compact listing ({data.Length} bytes, no '{Encoding.ASCII.GetString(Magic)}' header).");
        }

        if (data[4] != Version)
        {
            throw new FormatException($"Compact listing version {data[4]} is not supported (this client reads version {Version}).");
        }

        var flags = data[5];
        long? nextCookie = (flags & HasNextCookie) != 0 ? BinaryPrimitives.ReadInt64LittleEndian(data[8..]) : null;
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        var at = HeaderBytes;
        InodeAttributes? directory = null;
        if ((flags & HasDirectory) != 0)
        {
            directory = ReadAttributes(Slice(data, at, AttributesBytes, "the directory's attributes"));
            at += AttributesBytes;
        }

        if (count < 0 || count > (data.Length - at) / EntryFixedBytes)
        {
            throw new FormatException($"The compact listing claims {count} entries but holds {data.Length - at} bytes of them.");
        }

        var entries = new DirectoryEntry[count];
        for (var i = 0; i < count; i++)
        {
            var fixedPart = Slice(data, at, EntryFixedBytes, $"entry {i}");
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[(8 + AttributesBytes)..]);
            var name = Slice(data, at + EntryFixedBytes, nameLength, $"the name of entry {i}");
            string text;
            try
            {
                text = Strict.GetString(name);
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException($"The name of entry {i} of the compact listing is not valid UTF-8.", ex);
            }

            entries[i] = new DirectoryEntry(text, BinaryPrimitives.ReadInt64LittleEndian(fixedPart), ReadAttributes(fixedPart.Slice(8, AttributesBytes)));
            at += EntryFixedBytes + nameLength;
        }

        if (at != data.Length)
        {
            throw new FormatException($"The compact listing has {data.Length - at} bytes after its last entry.");
        }

        return new DirectoryPage(entries, nextCookie, directory);
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, int start, int length, string what) =>
        start + length <= data.Length
            ? data.Slice(start, length)
            : throw new FormatException($"The compact listing ends inside {what} ({data.Length} bytes).");

    private static void WriteAttributes(Span<byte> span, InodeAttributes attributes)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span, attributes.Ino);
        span[8] = (byte)attributes.Kind;
        span[9..12].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], attributes.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], attributes.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], attributes.Gid);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], attributes.Nlink);
        BinaryPrimitives.WriteInt64LittleEndian(span[28..], attributes.Size);
        WriteTime(span[36..], attributes.Atime);
        WriteTime(span[48..], attributes.Mtime);
        WriteTime(span[60..], attributes.Ctime);
        BinaryPrimitives.WriteInt64LittleEndian(span[72..], attributes.Generation);
    }

    private static InodeAttributes ReadAttributes(ReadOnlySpan<byte> span)
    {
        var kind = (FileKind)span[8];
        if (!Enum.IsDefined(kind))
        {
            throw new FormatException($"The compact listing holds an unknown file kind {span[8]}.");
        }

        return new InodeAttributes(
            BinaryPrimitives.ReadInt64LittleEndian(span),
            kind,
            BinaryPrimitives.ReadUInt32LittleEndian(span[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(span[20..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[28..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[24..]),
            ReadTime(span[36..]),
            ReadTime(span[48..]),
            ReadTime(span[60..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[72..]));
    }

    private static void WriteTime(Span<byte> span, Timestamp time)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span, time.Seconds);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], time.Nanoseconds);
    }

    private static Timestamp ReadTime(ReadOnlySpan<byte> span) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(span), BinaryPrimitives.ReadInt32LittleEndian(span[8..]));
}
