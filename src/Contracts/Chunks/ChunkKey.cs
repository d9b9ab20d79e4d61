using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ReplicaFs.Contracts.Chunks;

/// <summary>
/// The name under which a data server stores a chunk. The metadata server names chunks by their id as
/// 16 lowercase hex digits; data servers accept any key of 1–64 characters from [A-Za-z0-9_-] that does not
/// start with '-' or '_', so that no key can ever name a path outside the data directory.
/// </summary>
public static class ChunkKey
{
    /// <summary>Longest key accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>The key of the chunk with id <paramref name="chunkId"/>.</summary>
    public static string FromId(long chunkId) =>
        chunkId > 0
            ? chunkId.ToString("x16", CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(chunkId), chunkId, "Chunk ids are positive.");

    /// <summary>Parses a key made by <see cref="FromId"/>.</summary>
    public static bool TryParseId(string? key, out long chunkId)
    {
        chunkId = 0;
        return key is { Length: 16 }
            && long.TryParse(key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out chunkId)
            && chunkId > 0
            && key == FromId(chunkId);
    }

    /// <summary>Whether <paramref name="key"/> is acceptable to a data server.</summary>
    public static bool IsValid([NotNullWhen(true)] string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key[0] == '-' || key[0] == '_')
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A short human description of the rule, for error messages.</summary>
    public const string Rule = "A chunk key is 1-64 characters from [A-Za-z0-9_-] and does not start with '-' or '_'.";

    /// <summary>Parses a 16-digit hex checksum as produced by <see cref="ChunkChecksum.Format"/>.</summary>
    public static bool TryParseChecksum(string? text, out ulong value)
    {
        value = 0;
        if (text is not { Length: 16 })
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                value = 0;
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }
}
