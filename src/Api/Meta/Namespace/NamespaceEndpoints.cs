using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReplicaFs.Api.Hosting;
using ReplicaFs.Contracts.Files;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Meta.Namespace;

/// <summary>REST endpoints of the namespace (<c>/api/fs</c>), as <see cref="Contracts.Api.INamespaceApi"/> defines them.</summary>
internal static class NamespaceEndpoints
{
    /// <summary>Maps the namespace endpoints.</summary>
    public static IEndpointRouteBuilder MapNamespaceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var fs = endpoints.MapGroup("/api/fs")
            .WithTags("Namespace")
            .AddEndpointFilter<PosixErrorFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        fs.MapGet("/inodes/{ino}", GetAttributes).WithName("GetAttributes").WithSummary("Attributes of an inode (getattr).");
        fs.MapGet("/inodes/{parent}/lookup", Lookup).WithName("Lookup").WithSummary("Looks a name up in a directory.");
        fs.MapGet("/resolve", Resolve).WithName("Resolve").WithSummary("Resolves an absolute path; symlinks are not followed.");
        fs.MapGet("/inodes/{ino}/entries", ReadDirectory).WithName("ReadDirectory")
            .WithSummary("Lists a directory with attributes, one page at a time (cursor: the entry cookie).")
            .WithDescription($"JSON by default; with `Accept: {CompactListing.MediaType}` the compact binary encoding (docs/metadata-server.md, \"Compact listings\").")
            .Produces(StatusCodes.Status200OK, contentType: CompactListing.MediaType);
        fs.MapPost("/inodes/{parent}/files", CreateFile).WithName("CreateFile")
            .WithSummary("Creates a regular file (201), or returns the existing one when not exclusive (200).");
        fs.MapPost("/inodes/{parent}/directories", MakeDirectory).WithName("MakeDirectory").WithSummary("Creates a directory.");
        fs.MapPost("/inodes/{parent}/symlinks", CreateSymlink).WithName("CreateSymlink").WithSummary("Creates a symbolic link.");
        fs.MapPost("/inodes/{parent}/links", Link).WithName("Link").WithSummary("Creates a hard link to an existing non-directory inode.");
        fs.MapDelete("/inodes/{parent}/entries", Unlink).WithName("Unlink")
            .WithSummary("Removes a non-directory entry; keepOrphan keeps an inode whose last link goes until it is reclaimed.");
        fs.MapDelete("/inodes/{parent}/directories", RemoveDirectory).WithName("RemoveDirectory").WithSummary("Removes an empty directory.");
        fs.MapPost("/rename", Rename).WithName("Rename").WithSummary("Renames an entry atomically (Replace, NoReplace or Exchange).");
        fs.MapPatch("/inodes/{ino}", SetAttributes).WithName("SetAttributes").WithSummary("Changes mode, owner, size or times (setattr).");
        fs.MapGet("/inodes/{ino}/target", ReadLink).WithName("ReadLink").WithSummary("Reads a symbolic link's target.");
        fs.MapDelete("/inodes/{ino}", Reclaim).WithName("Reclaim").WithSummary("Frees an orphan inode (nlink 0); EBUSY while it has links.");
        fs.MapGet("/statfs", StatFs).WithName("StatFs").WithSummary("File-system totals (statfs).");
        return endpoints;
    }

    private static async Task<Ok<InodeAttributes>> GetAttributes(long ino, NamespaceReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.GetAttributesAsync(ino, cancellationToken));

    private static async Task<Results<Ok<InodeAttributes>, ProblemHttpResult>> Lookup(long parent, [FromQuery] string? name, NamespaceReader reader, CancellationToken cancellationToken) =>
        await reader.FindAsync(parent, name, cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : PosixErrorFilter.Problem(Errno.ENOENT, $"'{name}' does not exist in directory {parent}.");

    private static async Task<Ok<InodeAttributes>> Resolve([FromQuery] string? path, NamespaceReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ResolveAsync(path, cancellationToken));

    /// <summary>JSON by default; the compact binary encoding when <c>Accept</c> names <see cref="CompactListing.MediaType"/>.</summary>
    private static async Task<Results<Ok<DirectoryPage>, FileContentHttpResult>> ReadDirectory(
        long ino, [FromQuery] long? after, [FromQuery] int? limit, NamespaceReader reader, HttpRequest request, CancellationToken cancellationToken)
    {
        var page = await reader.ReadDirectoryAsync(ino, after, limit, cancellationToken);
        return request.Headers.Accept.Any(value => value is not null && value.Contains(CompactListing.MediaType, StringComparison.OrdinalIgnoreCase))
            ? TypedResults.Bytes(CompactListing.Encode(page), CompactListing.MediaType)
            : TypedResults.Ok(page);
    }

    private static async Task<Results<Created<InodeAttributes>, Ok<InodeAttributes>>> CreateFile(long parent, CreateFileRequest request, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        var (attributes, created) = await writer.CreateFileAsync(parent, request, cancellationToken);
        return created ? TypedResults.Created(InodeLocation(attributes), attributes) : TypedResults.Ok(attributes);
    }

    private static async Task<Created<InodeAttributes>> MakeDirectory(long parent, MakeDirectoryRequest request, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        var attributes = await writer.MakeDirectoryAsync(parent, request, cancellationToken);
        return TypedResults.Created(InodeLocation(attributes), attributes);
    }

    private static async Task<Created<InodeAttributes>> CreateSymlink(long parent, CreateSymlinkRequest request, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        var attributes = await writer.CreateSymlinkAsync(parent, request, cancellationToken);
        return TypedResults.Created(InodeLocation(attributes), attributes);
    }

    private static async Task<Created<InodeAttributes>> Link(long parent, LinkRequest request, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        var attributes = await writer.LinkAsync(parent, request, cancellationToken);
        return TypedResults.Created(InodeLocation(attributes), attributes);
    }

    private static async Task<NoContent> Unlink(long parent, [FromQuery] string? name, [FromQuery] bool? keepOrphan, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        await writer.UnlinkAsync(parent, name, keepOrphan ?? false, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RemoveDirectory(long parent, [FromQuery] string? name, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        await writer.RemoveDirectoryAsync(parent, name, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Rename(RenameRequest request, RenameService renames, CancellationToken cancellationToken)
    {
        await renames.RenameAsync(request, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<InodeAttributes>> SetAttributes(long ino, SetAttributesRequest request, AttributeService attributes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await attributes.SetAttributesAsync(ino, request, cancellationToken));

    private static async Task<Ok<SymlinkTarget>> ReadLink(long ino, NamespaceReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ReadLinkAsync(ino, cancellationToken));

    private static async Task<NoContent> Reclaim(long ino, NamespaceWriter writer, CancellationToken cancellationToken)
    {
        await writer.ReclaimAsync(ino, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<FileSystemStats>> StatFs(NamespaceReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.StatFsAsync(cancellationToken));

    private static string InodeLocation(InodeAttributes attributes) => $"/api/fs/inodes/{attributes.Ino}";
}
