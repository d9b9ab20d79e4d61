using System.Net;
using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Extended attributes: raw values, create/replace modes, limits and ENODATA.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class ExtendedAttributeTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Values_are_stored_and_returned_as_raw_bytes()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await _api.SetExtendedAttributeAsync(file.Ino, "user.binary", Octets(value), cancellationToken: Token);
        await _api.SetExtendedAttributeAsync(file.Ino, "user.empty", Octets([]), cancellationToken: Token);
        await _api.SetExtendedAttributeAsync(file.Ino, "security.selinux", Octets("label"u8.ToArray()), cancellationToken: Token);

        using var response = await _api.GetExtendedAttributeAsync(file.Ino, "user.binary", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(value, await response.Content.ReadAsByteArrayAsync(Token));
        using var empty = await _api.GetExtendedAttributeAsync(file.Ino, "user.empty", Token);
        Assert.Empty(await empty.Content.ReadAsByteArrayAsync(Token));

        Assert.Equal(["security.selinux", "user.binary", "user.empty"], (await _api.ListExtendedAttributesAsync(file.Ino, Token)).Names);
        Assert.True((await _api.AttributesAsync(file.Ino)).Ctime.TotalNanoseconds > file.Ctime.TotalNanoseconds);

        await _api.RemoveExtendedAttributeAsync(file.Ino, "user.binary", Token);
        Assert.Equal(["security.selinux", "user.empty"], (await _api.ListExtendedAttributesAsync(file.Ino, Token)).Names);
        Assert.Empty((await _api.ListExtendedAttributesAsync(dir.Ino, Token)).Names);
    }

    [Fact]
    public async Task Create_and_replace_modes_follow_setxattr()
    {
        var dir = await _api.NewTestDirectoryAsync();
        await _api.SetExtendedAttributeAsync(dir.Ino, "user.a", Octets([1]), ExtendedAttributeMode.Create, Token);
        await ProblemAssert.ErrnoAsync(Errno.EEXIST, () => _api.SetExtendedAttributeAsync(dir.Ino, "user.a", Octets([2]), ExtendedAttributeMode.Create, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENODATA, () => _api.SetExtendedAttributeAsync(dir.Ino, "user.b", Octets([3]), ExtendedAttributeMode.Replace, Token));
        await _api.SetExtendedAttributeAsync(dir.Ino, "user.a", Octets([4]), ExtendedAttributeMode.Replace, Token);
        await _api.SetExtendedAttributeAsync(dir.Ino, "user.a", Octets([5, 5]), ExtendedAttributeMode.Any, Token);

        using var response = await _api.GetExtendedAttributeAsync(dir.Ino, "user.a", Token);
        Assert.Equal([5, 5], await response.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(["user.a"], (await _api.ListExtendedAttributesAsync(dir.Ino, Token)).Names);
    }

    [Fact]
    public async Task Missing_attributes_are_ENODATA_and_limits_are_enforced()
    {
        var dir = await _api.NewTestDirectoryAsync();
        using var missing = await _api.GetExtendedAttributeAsync(dir.Ino, "user.none", Token);
        await ProblemAssert.ErrnoAsync(Errno.ENODATA, missing);
        await ProblemAssert.ErrnoAsync(Errno.ENODATA, () => _api.RemoveExtendedAttributeAsync(dir.Ino, "user.none", Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ListExtendedAttributesAsync(long.MaxValue, Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.SetExtendedAttributeAsync(long.MaxValue, "user.a", Octets([1]), cancellationToken: Token));

        var longest = "user." + new string('n', 250);
        await _api.SetExtendedAttributeAsync(dir.Ino, longest, Octets(new byte[64 * 1024]), cancellationToken: Token);
        await ProblemAssert.ErrnoAsync(Errno.ERANGE, () => _api.SetExtendedAttributeAsync(dir.Ino, longest + "x", Octets([1]), cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ERANGE, () => _api.SetExtendedAttributeAsync(dir.Ino, string.Empty, Octets([1]), cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.E2BIG, () => _api.SetExtendedAttributeAsync(dir.Ino, "user.big", Octets(new byte[(64 * 1024) + 1]), cancellationToken: Token));
        using (var chunked = new StreamContent(new MemoryStream(new byte[(64 * 1024) + 1])))
        {
            // Without a Content-Length the limit is enforced while reading.
            chunked.Headers.ContentType = new("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(fixture.Cluster.MetaUrl, $"/api/fs/inodes/{dir.Ino}/xattrs/value?name=user.big")) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var response = await fixture.Cluster.Http.SendAsync(request, Token);
            await ProblemAssert.ErrnoAsync(Errno.E2BIG, response);
        }

        Assert.Equal([longest], (await _api.ListExtendedAttributesAsync(dir.Ino, Token)).Names);
    }

    private static ByteArrayContent Octets(byte[] value)
    {
        var content = new ByteArrayContent(value);
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }
}
