using System.Runtime.CompilerServices;
using ReplicaFs.Api.Data.Storage;
using ReplicaFs.Api.Data.Throttling;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Data.Scrub;

/// <summary>What re-verifying one stored chunk version found.</summary>
internal enum ScrubOutcome
{
    /// <summary>Its bytes hash to the checksum recorded when it was written.</summary>
    Intact,

    /// <summary>Its bytes (or its header or block table) no longer match.</summary>
    Corrupt,

    /// <summary>It was deleted before it could be checked.</summary>
    Vanished,
}

/// <summary>The result of re-verifying one stored chunk version.</summary>
/// <param name="Key">The chunk key.</param>
/// <param name="Version">The version.</param>
/// <param name="Length">Its stored length.</param>
/// <param name="Outcome">What was found.</param>
/// <param name="Problem">For a corrupt version, what was wrong.</param>
internal sealed record ScrubResult(string Key, long Version, long Length, ScrubOutcome Outcome, string? Problem);

/// <summary>One scrub pass over a chunk store: every stored version, in key order, re-read from disk and re-hashed.</summary>
internal static class ChunkScrub
{
    /// <summary>Index entries fetched at a time (the index may change during the pass; the cursor copes).</summary>
    public const int PageSize = 1000;

    /// <summary>Verifies every version stored in <paramref name="store"/>, taking the bytes from <paramref name="throttle"/> when given.</summary>
    public static async IAsyncEnumerable<ScrubResult> VerifyAllAsync(
        ChunkStore store, TokenBucket? throttle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? afterKey = null;
        long? afterVersion = null;
        while (true)
        {
            var (entries, more) = store.Entries(afterKey, afterVersion, PageSize);
            foreach (var (key, stored) in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return await VerifyAsync(store, key, stored, throttle, cancellationToken);
            }

            if (!more || entries.Count == 0)
            {
                yield break;
            }

            (afterKey, afterVersion) = (entries[^1].Key, entries[^1].Stored.Version);
        }
    }

    /// <summary>Re-verifies one version.</summary>
    public static async Task<ScrubResult> VerifyAsync(ChunkStore store, string key, StoredVersion stored, TokenBucket? throttle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            var digest = await store.DigestAsync(key, stored.Version, throttle, cancellationToken);
            if (digest is null)
            {
                return new ScrubResult(key, stored.Version, stored.Length, ScrubOutcome.Vanished, null);
            }

            return digest.Intact
                ? new ScrubResult(key, stored.Version, digest.Length, ScrubOutcome.Intact, null)
                : new ScrubResult(key, stored.Version, digest.Length, ScrubOutcome.Corrupt,
                    $"its bytes hash to {digest.Checksum}, not to the recorded {digest.RecordedChecksum}");
        }
        catch (PosixException ex) when (ex.Errno == Errno.EIO)
        {
            return new ScrubResult(key, stored.Version, stored.Length, ScrubOutcome.Corrupt, ex.Message);
        }
        catch (IOException ex)
        {
            return new ScrubResult(key, stored.Version, stored.Length, ScrubOutcome.Corrupt, $"reading it failed: {ex.Message}");
        }
    }
}
