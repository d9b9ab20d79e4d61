using System.Net.Http.Headers;
using System.Text.Json;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Tests.Data;

/// <summary>Test data and raw HTTP helpers for the chunk endpoints.</summary>
internal static class ChunkTestData
{
    /// <summary>A fresh valid key.</summary>
    public static string NewKey() => "k" + Guid.NewGuid().ToString("N");

    /// <summary>Seeded random bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The wire checksum of <paramref name="data"/>.</summary>
    public static string Checksum(byte[] data) => ChunkChecksum.Format(ChunkChecksum.Compute(data));

    /// <summary>PUT a chunk body with the given (default: correct) checksum and content type.</summary>
    public static Task<HttpResponseMessage> PutChunkAsync(
        this HttpClient http,
        string key,
        long version,
        byte[] data,
        string? checksum = null,
        string? contentType = ChunkHeaders.OctetStream,
        CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(data);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/chunks/{key}?version={version}") { Content = content };
        request.Headers.Add(ChunkHeaders.Checksum, checksum ?? Checksum(data));
        return http.SendAsync(request, cancellationToken);
    }

    /// <summary>PUT to the data server at <paramref name="server"/> that must succeed with 201.</summary>
    public static async Task PutNewAsync(this HttpClient http, Uri server, string key, long version, byte[] data, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ChunkHeaders.OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(server, $"/api/chunks/{key}?version={version}")) { Content = content };
        request.Headers.Add(ChunkHeaders.Checksum, Checksum(data));
        using var response = await http.SendAsync(request, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>PUT that must succeed with 201.</summary>
    public static async Task PutNewAsync(this HttpClient http, string key, long version, byte[] data, CancellationToken cancellationToken = default)
    {
        using var response = await http.PutChunkAsync(key, version, data, cancellationToken: cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The single value of a response header.</summary>
    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"No {name} header.");

    /// <summary>Asserts a ProblemDetails response with <paramref name="status"/>; returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status, CancellationToken cancellationToken = default)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        return json;
    }

    /// <summary>Every file under <paramref name="directory"/>, relative to it.</summary>
    public static string[] Files(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal)]
            : [];
}
