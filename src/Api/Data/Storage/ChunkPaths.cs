using System.Globalization;
using System.IO.Hashing;
using System.Text;
using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// Where things live in a data directory (format 1): <c>chunks/&lt;aa&gt;/&lt;bb&gt;/&lt;key&gt;.&lt;version as 16 hex&gt;.chunk</c>,
/// where <c>aabb</c> are the first four hex digits of XxHash3(key) so that sequential ids spread evenly,
/// plus <c>tmp/</c> for files being written and <c>quarantine/</c> for files that failed the start-up check.
/// </summary>
internal sealed class ChunkPaths(string root)
{
    /// <summary>Suffix of a chunk file.</summary>
    public const string ChunkSuffix = ".chunk";

    /// <summary>Suffix of a file being written in <see cref="Temp"/>.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>The data directory.</summary>
    public string Root { get; } = root;

    /// <summary>Root of the sharded chunk tree.</summary>
    public string Chunks => Path.Combine(Root, "chunks");

    /// <summary>Files being written; emptied at start.</summary>
    public string Temp => Path.Combine(Root, "tmp");

    /// <summary>Files that failed the start-up check, moved aside for an operator to look at.</summary>
    public string Quarantine => Path.Combine(Root, "quarantine");

    /// <summary>The directory format descriptor.</summary>
    public string FormatFile => Path.Combine(Root, "format.json");

    /// <summary>The file flock'ed by the running server.</summary>
    public string LockFile => Path.Combine(Root, ".lock");

    /// <summary>The two shard levels of <paramref name="key"/>, e.g. ("3f", "a0").</summary>
    public static (string Outer, string Inner) Shard(string key)
    {
        var hash = XxHash3.HashToUInt64(Encoding.ASCII.GetBytes(key));
        var hex = (hash >> 48).ToString("x4", CultureInfo.InvariantCulture);
        return (hex[..2], hex[2..]);
    }

    /// <summary>The shard directory holding every version of <paramref name="key"/>.</summary>
    public string ShardDirectory(string key)
    {
        var (outer, inner) = Shard(key);
        return Path.Combine(Chunks, outer, inner);
    }

    /// <summary>The file name of one chunk version.</summary>
    public static string FileName(string key, long version) =>
        $"{key}.{version.ToString("x16", CultureInfo.InvariantCulture)}{ChunkSuffix}";

    /// <summary>The path of one chunk version.</summary>
    public string ChunkFile(string key, long version) => Path.Combine(ShardDirectory(key), FileName(key, version));

    /// <summary>A fresh, unique path in <see cref="Temp"/>.</summary>
    public string NewTempFile() => Path.Combine(Temp, $"{Guid.NewGuid():N}{TempSuffix}");

    /// <summary>Parses a chunk file name back into key and version; false for anything else.</summary>
    public static bool TryParseFileName(string fileName, out string key, out long version)
    {
        key = string.Empty;
        version = 0;
        if (!fileName.EndsWith(ChunkSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var stem = fileName[..^ChunkSuffix.Length];
        var dot = stem.LastIndexOf('.');
        if (dot <= 0 || stem.Length - dot - 1 != 16)
        {
            return false;
        }

        var candidate = stem[..dot];
        if (!ChunkKey.IsValid(candidate)
            || !long.TryParse(stem.AsSpan(dot + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed)
            || parsed < 1
            || FileName(candidate, parsed) != fileName)
        {
            return false;
        }

        key = candidate;
        version = parsed;
        return true;
    }
}
