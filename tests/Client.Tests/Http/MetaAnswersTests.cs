using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ReplicaFs.Client.Http;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Tests.Http;

/// <summary>Raw metadata answers (lookup, compact listing) read into results or exactly the right errno.</summary>
public sealed class MetaAnswersTests
{
    private static readonly InodeAttributes File = new(42, FileKind.File, 0x81A4, 1, 2, 4096, 1, new Timestamp(1, 2), new Timestamp(3, 4), new Timestamp(5, 6), 1);
    private static readonly DirectoryPage Page = new([new DirectoryEntry("a-ü", 7, File)], 7, File with { Ino = 9, Kind = FileKind.Directory });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lookup_answer_is_the_attributes_a_miss_is_null_and_other_errors_keep_their_errno()
    {
        Assert.Equal(File, await MetaAnswers.ReadLookupAsync(Json(File), "x", Token));
        Assert.Null(await MetaAnswers.ReadLookupAsync(Problem(Errno.ENOENT), "x", Token));
        Assert.Null(await MetaAnswers.ReadLookupAsync(new HttpResponseMessage(HttpStatusCode.NotFound), "x", Token));

        Assert.Equal(Errno.ENOTDIR, (await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadLookupAsync(Problem(Errno.ENOTDIR), "x", Token))).Errno);
        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadLookupAsync(new HttpResponseMessage(HttpStatusCode.BadGateway), "x", Token))).Errno);
        var empty = await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadLookupAsync(Text("null", "application/json"), "x", Token));
        Assert.Equal((Errno.EIO, "The metadata server answered the lookup of 'x' with an empty body."), (empty.Errno, empty.Message));
        var garbled = await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadLookupAsync(Text("{\"ino\":", "application/json"), "x", Token));
        Assert.Equal(Errno.EIO, garbled.Errno);
        Assert.Contains("malformed JSON", garbled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_is_read_compact_or_as_json_from_an_older_server()
    {
        var compact = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(CompactListing.Encode(Page)) };
        compact.Content.Headers.ContentType = new MediaTypeHeaderValue(CompactListing.MediaType);
        AssertSamePage(Page, await MetaAnswers.ReadDirectoryPageAsync(compact, 9, Token));
        AssertSamePage(Page, await MetaAnswers.ReadDirectoryPageAsync(Json(Page), 9, Token));
    }

    [Fact]
    public async Task A_malformed_or_failed_listing_is_an_errno_never_a_wrong_page()
    {
        var truncated = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(CompactListing.Encode(Page)[..^2]) };
        truncated.Content.Headers.ContentType = new MediaTypeHeaderValue(CompactListing.MediaType);
        var malformed = await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadDirectoryPageAsync(truncated, 9, Token));
        Assert.Equal(Errno.EIO, malformed.Errno);
        Assert.Contains("malformed listing of inode 9", malformed.Message, StringComparison.Ordinal);

        Assert.Equal(Errno.ENOENT, (await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadDirectoryPageAsync(Problem(Errno.ENOENT), 9, Token))).Errno);
        Assert.Equal(Errno.ENOTDIR, (await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadDirectoryPageAsync(Problem(Errno.ENOTDIR), 9, Token))).Errno);
        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<PosixException>(() => MetaAnswers.ReadDirectoryPageAsync(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), 9, Token))).Errno);
    }

    private static void AssertSamePage(DirectoryPage expected, DirectoryPage actual)
    {
        Assert.Equal(expected.Entries, actual.Entries);
        Assert.Equal(expected.NextCookie, actual.NextCookie);
        Assert.Equal(expected.Directory, actual.Directory);
    }

    private static HttpResponseMessage Json<T>(T value) => Text(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), "application/json");

    private static HttpResponseMessage Text(string body, string mediaType) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private static HttpResponseMessage Problem(Errno errno) => new((HttpStatusCode)ErrnoHttpStatus.For(errno))
    {
        Content = new StringContent(
            $$"""{"title":"{{errno}}","status":{{ErrnoHttpStatus.For(errno)}},"detail":"detail of {{errno}}","errno":{{(int)errno}},"code":"{{errno}}"}""",
            Encoding.UTF8,
            "application/problem+json"),
    };
}
