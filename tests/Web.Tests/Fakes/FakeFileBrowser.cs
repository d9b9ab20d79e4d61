using System.Net;
using Refit;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Web.Files;

namespace ReplicaFs.Web.Tests.Fakes;

/// <summary>An in-memory namespace and chunk map for the file pages; unknown paths answer 404 like the metadata server.</summary>
public sealed class FakeFileBrowser : IFileBrowser
{
    public Dictionary<string, InodeAttributes> Paths { get; } = [];

    public Dictionary<long, List<DirectoryEntry>> Directories { get; } = [];

    public Dictionary<long, ChunkMapPage> Chunks { get; } = [];

    public Exception? Failure { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public int ChunkLoads { get; private set; }

    public async Task<InodeAttributes> ResolveAsync(string path, CancellationToken cancellationToken)
    {
        await WaitAsync();
        return Paths.TryGetValue(path, out var attributes) ? attributes : throw await NotFoundAsync(path);
    }

    public async Task<DirectoryPage> ReadDirectoryAsync(long ino, long? after, int limit, CancellationToken cancellationToken)
    {
        await WaitAsync();
        var entries = Directories[ino].Where(e => after is null || e.Cookie > after).Take(limit + 1).ToList();
        return entries.Count > limit
            ? new DirectoryPage(entries[..limit], entries[limit - 1].Cookie)
            : new DirectoryPage(entries, null);
    }

    public async Task<ChunkMapPage> GetChunksAsync(long ino, long from, int count, CancellationToken cancellationToken)
    {
        ChunkLoads++;
        await WaitAsync();
        var page = Chunks[ino];
        return page with { Chunks = [.. page.Chunks.Where(c => c.Index >= from && c.Index < from + count)] };
    }

    public static async Task<ApiException> NotFoundAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://meta.test/api/fs/resolve?path={Uri.EscapeDataString(path)}"));
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            RequestMessage = request,
            Content = new StringContent("""{"title":"No such file or directory","detail":"'/missing' does not exist.","status":404,"errno":2,"code":"ENOENT"}""", System.Text.Encoding.UTF8, "application/problem+json"),
        };
        return await ApiException.Create(request, HttpMethod.Get, response, new RefitSettings());
    }

    private async Task WaitAsync()
    {
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
