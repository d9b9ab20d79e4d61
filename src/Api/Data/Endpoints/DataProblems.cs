using Microsoft.AspNetCore.Http.HttpResults;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>
/// ProblemDetails answers of the data server, shaped like those of <see cref="Hosting.PosixErrorFilter"/>
/// (title = errno name, <c>errno</c> and <c>code</c> extensions) but with a status or extensions of their own.
/// </summary>
internal static class DataProblems
{
    /// <summary>Extension listing the versions a data server holds of a key it was asked a missing version of.</summary>
    public const string StoredVersionsExtension = "storedVersions";

    /// <summary>A problem with an explicit status.</summary>
    public static ProblemHttpResult Create(int status, Errno errno, string detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var all = new Dictionary<string, object?>
        {
            [ErrnoHttpStatus.ErrnoExtension] = (int)errno,
            [ErrnoHttpStatus.CodeExtension] = errno.ToString(),
        };
        foreach (var (name, value) in extensions ?? [])
        {
            all[name] = value;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: errno.ToString(), extensions: all);
    }

    /// <summary>404: the chunk version is not stored; says which versions are.</summary>
    public static ProblemHttpResult NotFound(string key, long? version, long[] storedVersions) =>
        Create(
            StatusCodes.Status404NotFound,
            Errno.ENOENT,
            version is { } v
                ? $"Chunk {key} version {v} is not stored here."
                : $"Chunk {key} is not stored here.",
            [new(StoredVersionsExtension, storedVersions)]);

    /// <summary>400: a request parameter is invalid.</summary>
    public static PosixException Invalid(string detail) => new(Errno.EINVAL, detail);
}
