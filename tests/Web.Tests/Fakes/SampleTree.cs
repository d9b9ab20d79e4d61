using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>A small namespace for the file pages: /, /docs (three entries), /docs/report.txt (three chunks), /empty, /docs/zero.bin (empty).</summary>
public static class SampleTree
{
    public const long ReportIno = 5;
    public const int ChunkSize = 262_144;

    public static InodeAttributes Directory(long ino) => Attributes(ino, FileKind.Directory, 0x41ED, 0);

    public static InodeAttributes File(long ino, long size) => Attributes(ino, FileKind.File, 0x81A4, size);

    public static ChunkInfo Chunk(long id, long index, long version, params (int Server, ReplicaState State)[] replicas) =>
        new(id, index, version, ChunkSize, "0123456789abcdef", [.. replicas.Select(r => new ReplicaInfo(r.Server, $"http://127.0.0.1:{51234 + r.Server}", r.State, r.State == ReplicaState.Ok ? version : version - 1))]);

    public static void Fill(FakeFileBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        browser.Paths["/"] = Directory(1);
        browser.Paths["/docs"] = Directory(2);
        browser.Paths["/empty"] = Directory(3);
        browser.Paths["/docs/report.txt"] = File(ReportIno, 600_000);
        browser.Paths["/docs/zero.bin"] = File(6, 0);
        browser.Directories[1] = [Entry("docs", 10, Directory(2)), Entry("empty", 11, Directory(3))];
        browser.Directories[2] = [Entry("report.txt", 20, File(ReportIno, 600_000)), Entry("zero.bin", 21, File(6, 0)), Entry("notes", 22, Directory(7))];
        browser.Directories[3] = [];
        browser.Chunks[ReportIno] = new ChunkMapPage(ReportIno, 600_000, ChunkSize,
        [
            Chunk(0xa1, 0, 7, (1, ReplicaState.Ok), (2, ReplicaState.Ok), (3, ReplicaState.Stale)),
            Chunk(0xa2, 1, 7, (1, ReplicaState.Ok), (2, ReplicaState.Ok), (3, ReplicaState.Ok)),
            Chunk(0xa3, 2, 8, (1, ReplicaState.Ok), (2, ReplicaState.Corrupt), (3, ReplicaState.Ok)),
        ]);
        browser.Chunks[6] = new ChunkMapPage(6, 0, ChunkSize, []);
    }

    private static DirectoryEntry Entry(string name, long cookie, InodeAttributes attributes) => new(name, cookie, attributes);

    private static InodeAttributes Attributes(long ino, FileKind kind, uint mode, long size)
    {
        var time = new Timestamp(1_795_000_000, 123_456_789);
        return new InodeAttributes(ino, kind, mode, 1000, 1000, size, kind == FileKind.Directory ? 2 : 1, time, time, time, 1);
    }
}
