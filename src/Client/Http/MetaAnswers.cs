using System.Net.Http.Json;
using System.Text.Json;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Client.Http;

/// <summary>
/// Reads the raw answers of the metadata calls the client takes as <see cref="HttpResponseMessage"/> rather than
/// through Refit's deserializer: a lookup whose miss is an answer, not an exception, and a directory page in the
/// compact binary encoding. Errors become exactly the <see cref="PosixException"/> <see cref="MetaErrors"/> gives.
/// </summary>
internal static class MetaAnswers
{
    /// <summary>The attributes of a lookup answer; null when the name does not exist (ENOENT).</summary>
    /// <exception cref="PosixException">Any other failure, with the server's errno (EIO for an empty body).</exception>
    public static async Task<InodeAttributes?> ReadLookupAsync(HttpResponseMessage response, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return await ReadJsonAsync<InodeAttributes>(response, $"the lookup of '{name}'", cancellationToken);
        }

        var error = await MetaErrors.FromResponseAsync(response);
        return error is PosixException { Errno: Errno.ENOENT } ? null : throw error!;
    }

    /// <summary>
    /// A directory page: decoded from the compact encoding when the answer is in it, read as JSON otherwise (a server
    /// that predates the compact encoding).
    /// </summary>
    /// <exception cref="PosixException">The server's errno for an error answer; EIO for a malformed or empty page.</exception>
    public static async Task<DirectoryPage> ReadDirectoryPageAsync(HttpResponseMessage response, long ino, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.IsSuccessStatusCode)
        {
            throw (await MetaErrors.FromResponseAsync(response))!;
        }

        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, CompactListing.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return await ReadJsonAsync<DirectoryPage>(response, $"the listing of inode {ino}", cancellationToken);
        }

        try
        {
            return CompactListing.Decode(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        catch (FormatException ex)
        {
            throw new PosixException(Errno.EIO, $"The metadata server sent a malformed listing of inode {ino}: {ex.Message}", ex);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken)
                ?? throw new PosixException(Errno.EIO, $"The metadata server answered {what} with an empty body.");
        }
        catch (JsonException ex)
        {
            throw new PosixException(Errno.EIO, $"The metadata server answered {what} with malformed JSON: {ex.Message}", ex);
        }
    }
}
