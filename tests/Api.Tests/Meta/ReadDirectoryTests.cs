using ReplicaFs.Contracts.Api;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>readdir: paging by cookie, limits, attributes, and cookies that stay valid while the directory changes.</summary>
[Collection(NamespaceServerGroup.Name)]
public sealed class ReadDirectoryTests(NamespaceClusterFixture fixture)
{
    private readonly IMetadataApi _api = fixture.Cluster.MetaApi;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_directory_of_2500_entries_comes_in_pages_of_1000_with_attributes()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var names = Enumerable.Range(0, 2500).Select(i => $"entry-{i:D4}").ToList();
        await CreateManyAsync(dir.Ino, names);

        var first = await _api.ReadDirectoryAsync(dir.Ino, cancellationToken: Token);
        Assert.Equal(1000, first.Entries.Count);
        Assert.Equal(first.Entries[^1].Cookie, first.NextCookie);
        var second = await _api.ReadDirectoryAsync(dir.Ino, first.NextCookie, cancellationToken: Token);
        Assert.Equal(1000, second.Entries.Count);
        var third = await _api.ReadDirectoryAsync(dir.Ino, second.NextCookie, cancellationToken: Token);
        Assert.Equal(500, third.Entries.Count);
        Assert.Null(third.NextCookie);

        var all = first.Entries.Concat(second.Entries).Concat(third.Entries).ToList();
        Assert.Equal(names.Order(), all.Select(e => e.Name).Order());
        Assert.Equal(all.Select(e => e.Cookie).Order(), all.Select(e => e.Cookie));
        Assert.Equal(all.Count, all.Select(e => e.Cookie).Distinct().Count());
        Assert.DoesNotContain(all, e => e.Name is "." or "..");
        Assert.All(all, e => Assert.Equal((FileKind.File, 1, PosixMode.RegularFile | 0x1A4), (e.Attributes.Kind, e.Attributes.Nlink, e.Attributes.Mode)));
        Assert.Equal(all.Count, all.Select(e => e.Attributes.Ino).Distinct().Count());

        var big = await _api.ReadDirectoryAsync(dir.Ino, limit: 5000, cancellationToken: Token);
        Assert.Equal(2500, big.Entries.Count);
        Assert.Null(big.NextCookie);

        // Every page carries the directory's own attributes, as of the same snapshot.
        var now = await _api.GetAttributesAsync(dir.Ino, Token);
        Assert.All([first, second, third, big], p => Assert.Equal(now, p.Directory));
    }

    [Fact]
    public async Task The_compact_encoding_carries_exactly_the_json_page()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var names = Enumerable.Range(0, 1200).Select(i => i % 3 == 0 ? $"fichier-é-{i:D4}" : $"entry-{i:D4}").ToList();
        await CreateManyAsync(dir.Ino, names);
        await _api.MakeDirectoryAsync(dir.Ino, new MakeDirectoryRequest("sub", 0x1ED, 0, 0), Token);

        foreach (var (after, limit) in new (long?, int?)[] { (null, null), (null, 5000), (null, 7) })
        {
            var json = await _api.ReadDirectoryAsync(dir.Ino, after, limit, Token);
            using var answer = await _api.ReadDirectoryCompactAsync(dir.Ino, after, limit, Token);
            Assert.Equal(CompactListing.MediaType, answer.Content.Headers.ContentType?.MediaType);
            var compact = CompactListing.Decode(await answer.Content.ReadAsByteArrayAsync(Token));
            Assert.Equal(json.Entries, compact.Entries);
            Assert.Equal(json.NextCookie, compact.NextCookie);
            Assert.Equal(json.Directory, compact.Directory);
        }

        // Errors stay ProblemDetails whatever was asked for.
        using var missing = await _api.ReadDirectoryCompactAsync(long.MaxValue, cancellationToken: Token);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_directorys_change_time_moves_with_every_entry_change_so_a_listing_can_be_checked()
    {
        var dir = await _api.NewTestDirectoryAsync();
        await _api.CreateFileAsync(dir.Ino, new CreateFileRequest("a", 0x1A4, 0, 0), Token);
        var before = (await _api.ReadDirectoryAsync(dir.Ino, cancellationToken: Token)).Directory!;

        await _api.CreateFileAsync(dir.Ino, new CreateFileRequest("b", 0x1A4, 0, 0), Token);
        var added = (await _api.ReadDirectoryAsync(dir.Ino, cancellationToken: Token)).Directory!;
        Assert.True(added.Ctime.TotalNanoseconds > before.Ctime.TotalNanoseconds);

        await _api.RenameAsync(new RenameRequest(dir.Ino, "b", dir.Ino, "c"), Token);
        var renamed = (await _api.ReadDirectoryAsync(dir.Ino, cancellationToken: Token)).Directory!;
        Assert.True(renamed.Ctime.TotalNanoseconds > added.Ctime.TotalNanoseconds);

        await _api.UnlinkAsync(dir.Ino, "a", cancellationToken: Token);
        var removed = (await _api.ReadDirectoryAsync(dir.Ino, cancellationToken: Token)).Directory!;
        Assert.True(removed.Ctime.TotalNanoseconds > renamed.Ctime.TotalNanoseconds);
    }

    [Fact]
    public async Task Cookies_stay_valid_while_entries_are_added_and_removed()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var names = Enumerable.Range(0, 300).Select(i => $"e{i:D3}").ToList();
        await CreateManyAsync(dir.Ino, names);

        var seen = new List<DirectoryEntry>();
        var page = await _api.ReadDirectoryAsync(dir.Ino, limit: 100, cancellationToken: Token);
        seen.AddRange(page.Entries);

        // Between pages: remove some listed and some unlisted entries, add new ones, rename one unlisted entry.
        var random = new Random(20261124);
        var removedListed = seen.Select(e => e.Name).OrderBy(_ => random.Next()).Take(20).ToList();
        // Entries are created in parallel, so the first page holds the first 100 created, not e000-e099.
        var unlisted = names.Except(seen.Select(e => e.Name)).ToList();
        var removedUnlisted = unlisted.OrderBy(_ => random.Next()).Take(30).ToList();
        foreach (var name in removedListed.Concat(removedUnlisted))
        {
            await _api.UnlinkAsync(dir.Ino, name, cancellationToken: Token);
        }

        var survivor = unlisted.Except(removedUnlisted).First();
        await _api.RenameAsync(new RenameRequest(dir.Ino, survivor, dir.Ino, "renamed-survivor"), Token);
        await CreateManyAsync(dir.Ino, Enumerable.Range(0, 50).Select(i => $"new{i:D2}").ToList());

        for (var after = page.NextCookie; after is not null; after = page.NextCookie)
        {
            page = await _api.ReadDirectoryAsync(dir.Ino, after, 100, Token);
            seen.AddRange(page.Entries);
        }

        var seenNames = seen.Select(e => e.Name).ToList();
        Assert.Equal(seenNames.Count, seenNames.Distinct().Count());
        // Every entry that existed all along was listed exactly once, the renamed one under its new name.
        var stable = names.Except(removedListed).Except(removedUnlisted).Where(n => n != survivor);
        Assert.All(stable, n => Assert.Contains(n, seenNames));
        Assert.Contains("renamed-survivor", seenNames);
        Assert.DoesNotContain(seenNames, removedUnlisted.Contains);
        // Entries created during the listing come after the cursor, so they are listed too.
        Assert.All(Enumerable.Range(0, 50), i => Assert.Contains($"new{i:D2}", seenNames));
        Assert.Equal(seen.Select(e => e.Cookie).Order(), seen.Select(e => e.Cookie));
    }

    [Fact]
    public async Task Paging_limits_and_errors()
    {
        var dir = await _api.NewTestDirectoryAsync();
        var file = await _api.NewFileAsync(dir.Ino, "f");
        Assert.Empty((await _api.ReadDirectoryAsync((await _api.NewDirectoryAsync(dir.Ino, "empty")).Ino, cancellationToken: Token)).Entries);

        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReadDirectoryAsync(dir.Ino, limit: 0, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReadDirectoryAsync(dir.Ino, limit: 5001, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.EINVAL, () => _api.ReadDirectoryAsync(dir.Ino, after: -1, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOTDIR, () => _api.ReadDirectoryAsync(file.Ino, cancellationToken: Token));
        await ProblemAssert.ErrnoAsync(Errno.ENOENT, () => _api.ReadDirectoryAsync(long.MaxValue, cancellationToken: Token));

        var page = await _api.ReadDirectoryAsync(dir.Ino, limit: 1, cancellationToken: Token);
        Assert.Single(page.Entries);
        Assert.NotNull(page.NextCookie);
        var rest = await _api.ReadDirectoryAsync(dir.Ino, page.NextCookie, 1, Token);
        Assert.Single(rest.Entries);
        Assert.Null(rest.NextCookie);
        var beyond = await _api.ReadDirectoryAsync(dir.Ino, long.MaxValue, cancellationToken: Token);
        Assert.Empty(beyond.Entries);
        Assert.Null(beyond.NextCookie);
    }

    private async Task CreateManyAsync(long directory, IReadOnlyList<string> names)
    {
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Token }, async (name, token) =>
            await _api.CreateFileAsync(directory, new CreateFileRequest(name, 0x1A4, 1, 1), token));
    }
}
