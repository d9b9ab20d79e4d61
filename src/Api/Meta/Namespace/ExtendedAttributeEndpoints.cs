using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Chunks;
using ReplicaFs.Contracts.Files;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>REST endpoints of extended attributes (<c>/api/fs/inodes/{ino}/xattrs</c>); values travel as raw bytes.</summary>
internal static class ExtendedAttributeEndpoints
{
    /// <summary>Maps the extended attribute endpoints.</summary>
    public static IEndpointRouteBuilder MapExtendedAttributeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var xattrs = endpoints.MapGroup("/api/fs/inodes/{ino}/xattrs")
            .WithTags("Extended attributes")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        xattrs.MapGet("/", List).WithName("ListExtendedAttributes").WithSummary("Names of an inode's extended attributes.");
        xattrs.MapGet("/value", Get).WithName("GetExtendedAttribute")
            .WithSummary("The value of one extended attribute, as raw bytes (ENODATA → 404 if it does not exist).")
            .Produces(StatusCodes.Status200OK, contentType: ChunkHeaders.OctetStream);
        xattrs.MapPut("/value", Set).WithName("SetExtendedAttribute")
            .WithSummary("Sets one extended attribute from the raw request body (at most 64 KiB); mode Create or Replace as in setxattr.")
            .Accepts<byte[]>(ChunkHeaders.OctetStream, "*/*");
        xattrs.MapDelete("/value", Remove).WithName("RemoveExtendedAttribute").WithSummary("Removes one extended attribute.");
        return endpoints;
    }

    private static async Task<Ok<ExtendedAttributeNames>> List(long ino, ExtendedAttributeService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(ino, cancellationToken));

    private static async Task<FileContentHttpResult> Get(long ino, [FromQuery] string? name, ExtendedAttributeService service, CancellationToken cancellationToken) =>
        TypedResults.Bytes(await service.GetAsync(ino, name, cancellationToken), ChunkHeaders.OctetStream);

    private static async Task<NoContent> Set(
        long ino,
        [FromQuery] string? name,
        [FromQuery] ExtendedAttributeMode? mode,
        HttpRequest request,
        ExtendedAttributeService service,
        CancellationToken cancellationToken)
    {
        var value = await ReadValueAsync(request, cancellationToken);
        await service.SetAsync(ino, name, value, mode ?? ExtendedAttributeMode.Any, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Remove(long ino, [FromQuery] string? name, ExtendedAttributeService service, CancellationToken cancellationToken)
    {
        await service.RemoveAsync(ino, name, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Reads the body, refusing (E2BIG) anything above the value limit before buffering it.</summary>
    private static async Task<byte[]> ReadValueAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            ExtendedAttributeService.EnsureValueFits(declared);
        }

        using var buffer = new MemoryStream();
        var block = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(block, cancellationToken)) > 0)
        {
            ExtendedAttributeService.EnsureValueFits(buffer.Length + read);
            buffer.Write(block, 0, read);
        }

        return buffer.ToArray();
    }
}
