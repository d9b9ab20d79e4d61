using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Endpoints;

/// <summary>Checks of the parameters every chunk endpoint shares; each throws a 400 (EINVAL) problem.</summary>
internal static class ChunkRequestChecks
{
    /// <summary>The key must pass <see cref="ChunkKey.IsValid"/>, so it can never name a path outside the data directory.</summary>
    public static string Key(string? key) =>
        ChunkKey.IsValid(key) ? key : throw DataProblems.Invalid($"Invalid chunk key '{key}'. {ChunkKey.Rule}");

    /// <summary>A version, when given, is at least 1.</summary>
    public static long? OptionalVersion(long? version, string name = "version") =>
        version is null or >= 1 ? version : throw DataProblems.Invalid($"'{name}' must be at least 1 (got {version}).");

    /// <summary>A required version of at least 1.</summary>
    public static long RequiredVersion(long? version) =>
        OptionalVersion(version) ?? throw DataProblems.Invalid("The query parameter 'version' is required.");

    /// <summary>A checksum of 16 lowercase hex digits.</summary>
    public static ulong Checksum(string? text, string source) =>
        ChunkChecksum.TryParse(text, out var checksum)
            ? checksum
            : throw DataProblems.Invalid($"{source} must be 16 lowercase hex digits (got '{text}').");
}
