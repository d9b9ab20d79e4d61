using System.Buffers.Binary;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Contracts.Tests;

/// <summary>The compact binary listing: every field round-trips, and malformed bytes are a clear FormatException.</summary>
public sealed class CompactListingTests
{
    private static readonly InodeAttributes Directory = Attributes(7, FileKind.Directory, 0x41ED);

    [Fact]
    public void Every_field_of_every_entry_round_trips()
    {
        var names = new[] { "a", "plain-name.txt", "ünïcödé ✓", "日本語のファイル", "emoji 😀", new string('x', 255), "with space and 'quotes\"" };
        var entries = names.Select((name, i) => new DirectoryEntry(name, 1000 + i, Attributes(100 + i, (FileKind)(i % 3), (uint)(0x81A4 + i)))).ToList();
        var page = new DirectoryPage(entries, 1006, Directory);

        AssertRoundTrips(page);
    }

    [Fact]
    public void The_last_page_an_empty_page_and_a_page_without_directory_round_trip()
    {
        foreach (var page in new[]
        {
            new DirectoryPage([new DirectoryEntry("only", 1, Attributes(2, FileKind.File, 0x81A4))], null, Directory),
            new DirectoryPage([], null, Directory),
            new DirectoryPage([], 0, null),
        })
        {
            AssertRoundTrips(page);
        }
    }

    [Fact]
    public void An_entry_costs_its_name_plus_90_bytes_where_JSON_took_about_270()
    {
        var page = new DirectoryPage([new DirectoryEntry("file-00001", 5, Attributes(6, FileKind.File, 0x81A4))], null, null);
        Assert.Equal(CompactListing.HeaderBytes + 8 + CompactListing.AttributesBytes + 2 + 10, CompactListing.Encode(page).Length);
    }

    [Fact]
    public void Malformed_bytes_are_a_format_exception_that_says_what_is_wrong()
    {
        var good = CompactListing.Encode(new DirectoryPage(
            [new DirectoryEntry("first", 1, Attributes(2, FileKind.File, 0x81A4)), new DirectoryEntry("second", 2, Attributes(3, FileKind.File, 0x81A4))],
            null,
            Directory));

        Assert.Contains("Not a compact listing", Fails([]));
        Assert.Contains("Not a compact listing", Fails("{\"entries\":[]}"u8.ToArray()));
        Assert.Contains("version 9", Fails(Changed(good, bytes => bytes[4] = 9)));
        Assert.Contains("ends inside", Fails(good[..^3]));
        Assert.Contains("after its last entry", Fails([.. good, 0]));
        Assert.Contains("claims", Fails(Changed(good, bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 1_000_000))));
        Assert.Contains("claims", Fails(Changed(good, bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), -1))));

        // The first entry's kind byte, and its name turned into invalid UTF-8.
        var firstEntry = CompactListing.HeaderBytes + CompactListing.AttributesBytes;
        Assert.Contains("unknown file kind", Fails(Changed(good, bytes => bytes[firstEntry + 8 + 8] = 200)));
        Assert.Contains("not valid UTF-8", Fails(Changed(good, bytes => bytes[firstEntry + 8 + CompactListing.AttributesBytes + 2] = 0xFF)));
    }

    private static void AssertRoundTrips(DirectoryPage page)
    {
        var decoded = CompactListing.Decode(CompactListing.Encode(page));
        Assert.Equal(page.Entries, decoded.Entries);
        Assert.Equal(page.NextCookie, decoded.NextCookie);
        Assert.Equal(page.Directory, decoded.Directory);
    }

    private static string Fails(byte[] data) => Assert.Throws<FormatException>(() => CompactListing.Decode(data)).Message;

    private static byte[] Changed(byte[] data, Action<byte[]> change)
    {
        var copy = (byte[])data.Clone();
        change(copy);
        return copy;
    }

    private static InodeAttributes Attributes(long ino, FileKind kind, uint mode) => new(
        ino,
        kind,
        mode,
        Uid: 1000 + (uint)ino,
        Gid: 2000 + (uint)ino,
        Size: (ino * 4097) - 3,
        Nlink: (int)(ino % 5) + 1,
        Atime: new Timestamp(1_795_536_000 + ino, 123_456_789),
        Mtime: new Timestamp(-5 - ino, 999_999_999),
        Ctime: new Timestamp(long.MaxValue - ino, 1),
        Generation: ino * 31);
}
