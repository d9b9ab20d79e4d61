using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using ReplicaFs.Api.Data.Repair;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>The chunk endpoints of a data server (<c>/api/chunks</c>), as declared by <c>IDataServerApi</c>.</summary>
public static class ChunkEndpoints
{
    /// <summary>Default page size of the chunk list.</summary>
    public const int DefaultListLimit = 1000;

    /// <summary>Largest page size of the chunk list.</summary>
    public const int MaxListLimit = 10_000;

    /// <summary>Maps <c>/api/chunks</c>.</summary>
    public static IEndpointRouteBuilder MapChunkEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/chunks").WithTags("Chunks").AddEndpointFilter<PosixErrorFilter>();

        group.MapPut("/{key}", PutChunk)
            .WithName("PutChunk")
            .WithSummary("Stores a chunk version after verifying the body against X-ReplicaFs-Checksum (201; 200 if already stored; 409 if stored with another checksum).")
            .Accepts<Stream>(ChunkHeaders.OctetStream)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .WithMaxRequestBody(DataServerOptions.MaxChunkBytes);

        group.MapGet("/{key}", GetChunk)
            .WithName("GetChunk")
            .WithSummary("Reads a chunk version (newest when none is given), or a range of it widened to 64 KiB blocks.")
            .Produces(StatusCodes.Status200OK, contentType: ChunkHeaders.OctetStream)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);

        group.MapMethods("/{key}", [HttpMethods.Head], HeadChunk)
            .WithName("HeadChunk")
            .WithSummary("Version, length and checksum of a stored chunk version, as headers.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{key}", DeleteChunk)
            .WithName("DeleteChunk")
            .WithSummary("Deletes one version (?version), every version below one (?below) or all versions of a chunk; idempotent.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/{key}/digest", GetDigest)
            .WithName("GetChunkDigest")
            .WithSummary("Recomputes the checksum of a stored chunk version from the bytes on disk (all of them, or with ?offset=&length= only the blocks of that range) and compares it with the recorded one.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/", ListChunks)
            .WithName("ListChunks")
            .WithSummary("Stored chunk versions ordered by key then version, one page at a time.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/{key}/repair", RepairChunk)
            .WithName("RepairChunk")
            .WithSummary("Pulls a chunk version from another data server, verifies it against the given checksum and atomically replaces the local copy.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status502BadGateway);

        return app;
    }

    private static async Task<Results<Created<StoredChunk>, Ok<StoredChunk>, ProblemHttpResult>> PutChunk(
        string key, long? version, HttpRequest request, HttpResponse response, ChunkStore store, DataServerMetrics metrics, CancellationToken cancellationToken)
    {
        ChunkRequestChecks.Key(key);
        var wanted = ChunkRequestChecks.RequiredVersion(version);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals(ChunkHeaders.OctetStream, StringComparison.OrdinalIgnoreCase))
        {
            metrics.WriteRejected();
            return DataProblems.Create(
                StatusCodes.Status415UnsupportedMediaType,
                Errno.EINVAL,
                $"A chunk body must be sent as {ChunkHeaders.OctetStream} (got '{request.ContentType}').");
        }

        var checksum = ChunkRequestChecks.Checksum(request.Headers[ChunkHeaders.Checksum].ToString(), $"The {ChunkHeaders.Checksum} header");
        if (request.ContentLength > DataServerOptions.MaxChunkBytes)
        {
            metrics.WriteRejected();
            return TooLarge(request.ContentLength.Value);
        }

        PutOutcome outcome;
        try
        {
            outcome = await store.PutAsync(key, wanted, checksum, request.Body, request.ContentLength, cancellationToken);
        }
        catch (ChunkBodyException ex)
        {
            metrics.WriteRejected();
            return ex.Problem == ChunkBodyProblem.TooLarge
                ? TooLarge(request.ContentLength)
                : DataProblems.Create(StatusCodes.Status400BadRequest, Errno.EINVAL, ex.Message);
        }

        var stored = outcome.Stored;
        metrics.Write(outcome.Status, stored.Length);
        switch (outcome.Status)
        {
            case PutStatus.ChecksumMismatch:
                return DataProblems.Create(
                    StatusCodes.Status400BadRequest,
                    Errno.EINVAL,
                    $"The body hashes to {ChunkChecksum.Format(outcome.ComputedChecksum!.Value)}, not to the announced {ChunkChecksum.Format(checksum)}; nothing was stored.",
                    [new("computedChecksum", ChunkChecksum.Format(outcome.ComputedChecksum!.Value))]);
            case PutStatus.Conflict:
                return DataProblems.Create(
                    StatusCodes.Status409Conflict,
                    Errno.EEXIST,
                    $"Chunk {key} version {wanted} is already stored with checksum {ChunkChecksum.Format(stored.Checksum)}, not {ChunkChecksum.Format(checksum)}.",
                    [new("storedChecksum", ChunkChecksum.Format(stored.Checksum))]);
            default:
                SetChunkHeaders(response, stored);
                var body = new StoredChunk(key, stored.Version, stored.Length, ChunkChecksum.Format(stored.Checksum));
                return outcome.Status == PutStatus.Created
                    ? TypedResults.Created($"/api/chunks/{key}?version={stored.Version.ToString(CultureInfo.InvariantCulture)}", body)
                    : TypedResults.Ok(body);
        }
    }

    private static Results<ChunkBodyResult, ProblemHttpResult> GetChunk(
        string key, long? version, long? offset, long? length, HttpResponse response, ChunkStore store, DataServerMetrics metrics)
    {
        ChunkRequestChecks.Key(key);
        ChunkRequestChecks.OptionalVersion(version);
        CheckRange(offset, length);
        var file = store.OpenRead(key, version);
        if (file is null)
        {
            return DataProblems.NotFound(key, version, store.Versions(key));
        }

        var header = file.Header;
        var start = offset ?? 0;
        if (start > header.Length)
        {
            file.Dispose();
            return DataProblems.Create(
                StatusCodes.Status416RangeNotSatisfiable,
                Errno.EINVAL,
                $"Offset {start} is beyond the end of chunk {key} version {header.Version} ({header.Length} bytes).");
        }

        SetChunkHeaders(response, new StoredVersion(header.Version, header.Length, header.Checksum));
        if (offset is null && length is null)
        {
            return new ChunkBodyResult(file, header.PayloadOffset, header.Length, response, metrics);
        }

        // Widen to whole blocks so that the reader can check every byte against a block hash.
        var block = (long)ChunkChecksum.BlockSize;
        var alignedStart = start / block * block;
        var alignedEnd = length == 0
            ? alignedStart
            : Math.Min(header.Length, RoundUp(Math.Min(header.Length, start + (length ?? header.Length)), block));
        response.Headers[ChunkHeaders.Offset] = alignedStart.ToString(CultureInfo.InvariantCulture);
        response.Headers[ChunkHeaders.BlockHashes] = ChunkChecksum.FormatBlockHashes(file.BlockHashes);
        return new ChunkBodyResult(file, header.PayloadOffset + alignedStart, alignedEnd - alignedStart, response, metrics);
    }

    private static Results<Ok, ProblemHttpResult> HeadChunk(string key, long? version, HttpResponse response, ChunkStore store)
    {
        ChunkRequestChecks.Key(key);
        ChunkRequestChecks.OptionalVersion(version);
        using var file = store.OpenRead(key, version);
        if (file is null)
        {
            return DataProblems.NotFound(key, version, store.Versions(key));
        }

        SetChunkHeaders(response, new StoredVersion(file.Header.Version, file.Header.Length, file.Header.Checksum));
        response.ContentType = ChunkHeaders.OctetStream;
        response.ContentLength = file.Header.Length;
        return TypedResults.Ok();
    }

    private static async Task<NoContent> DeleteChunk(string key, long? version, long? below, ChunkStore store, CancellationToken cancellationToken)
    {
        ChunkRequestChecks.Key(key);
        ChunkRequestChecks.OptionalVersion(version);
        ChunkRequestChecks.OptionalVersion(below, "below");
        if (version is not null && below is not null)
        {
            throw DataProblems.Invalid("Give either 'version' or 'below', not both.");
        }

        await store.DeleteAsync(key, version, below, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ChunkDigest>, ProblemHttpResult>> GetDigest(
        string key, long? version, long? offset, long? length, ChunkStore store, DataServerMetrics metrics, CancellationToken cancellationToken)
    {
        ChunkRequestChecks.Key(key);
        ChunkRequestChecks.OptionalVersion(version);
        CheckRange(offset, length);
        (long, long)? range = offset is null && length is null ? null : (offset ?? 0, length ?? long.MaxValue - (offset ?? 0));
        var digest = await store.DigestAsync(key, version, range, throttle: null, cancellationToken);
        if (digest is null)
        {
            return DataProblems.NotFound(key, version, store.Versions(key));
        }

        if (offset > digest.Length)
        {
            return DataProblems.Create(
                StatusCodes.Status416RangeNotSatisfiable,
                Errno.EINVAL,
                $"Offset {offset} is beyond the end of chunk {key} version {digest.Version} ({digest.Length} bytes).");
        }

        metrics.Digest(digest.Intact);
        return TypedResults.Ok(digest);
    }

    /// <summary>A range (GET, digest) must not be negative or overflow.</summary>
    private static void CheckRange(long? offset, long? length)
    {
        if (offset < 0 || length < 0)
        {
            throw DataProblems.Invalid($"'offset' and 'length' must not be negative (got offset {offset}, length {length}).");
        }

        if (offset + length is { } end && end < 0)
        {
            throw DataProblems.Invalid($"offset {offset} + length {length} overflows.");
        }
    }

    private static Ok<StoredChunkPage> ListChunks(string? after, int? limit, ChunkStore store)
    {
        var pageSize = limit ?? DefaultListLimit;
        if (pageSize is < 1 or > MaxListLimit)
        {
            throw DataProblems.Invalid($"'limit' must be between 1 and {MaxListLimit} (got {limit}).");
        }

        var (afterKey, afterVersion) = ParseCursor(after);
        var (page, more) = store.List(afterKey, afterVersion, pageSize);
        var next = more && page.Count > 0 ? FormatCursor(page[^1]) : null;
        return TypedResults.Ok(new StoredChunkPage(page, next));
    }

    private static async Task<Ok<RepairResult>> RepairChunk(string key, RepairRequest request, ChunkRepairer repairer, CancellationToken cancellationToken)
    {
        ChunkRequestChecks.Key(key);
        return TypedResults.Ok(await repairer.RepairAsync(key, request, cancellationToken));
    }

    /// <summary>A list cursor: <c>key</c> (continue after every version of it) or <c>key.version</c>.</summary>
    private static (string? Key, long? Version) ParseCursor(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return (null, null);
        }

        var dot = after.IndexOf('.', StringComparison.Ordinal);
        var key = dot < 0 ? after : after[..dot];
        long? version = null;
        if (dot >= 0)
        {
            if (!long.TryParse(after.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                throw DataProblems.Invalid($"Invalid cursor '{after}': expected <key> or <key>.<version>.");
            }

            version = parsed;
        }

        if (!ChunkKey.IsValid(key))
        {
            throw DataProblems.Invalid($"Invalid cursor '{after}': expected <key> or <key>.<version>. {ChunkKey.Rule}");
        }

        return (key, version);
    }

    private static string FormatCursor(StoredChunk last) => $"{last.Key}.{last.Version.ToString(CultureInfo.InvariantCulture)}";

    private static ProblemHttpResult TooLarge(long? length) =>
        DataProblems.Create(
            StatusCodes.Status413PayloadTooLarge,
            Errno.EFBIG,
            length is { } l
                ? $"The body is {l} bytes; the largest chunk accepted is {DataServerOptions.MaxChunkBytes} bytes."
                : $"The body is larger than the largest chunk accepted ({DataServerOptions.MaxChunkBytes} bytes).");

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;

    private static void SetChunkHeaders(HttpResponse response, StoredVersion stored)
    {
        response.Headers[ChunkHeaders.Version] = stored.Version.ToString(CultureInfo.InvariantCulture);
        response.Headers[ChunkHeaders.Checksum] = ChunkChecksum.Format(stored.Checksum);
        response.Headers[ChunkHeaders.Length] = stored.Length.ToString(CultureInfo.InvariantCulture);
    }
}
