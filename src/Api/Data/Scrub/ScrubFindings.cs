using System.Collections.Concurrent;

namespace ReplicaFs.Api.Data.Scrub;

/// <summary>Chunks the scrubber reported corrupt, so that the rebuild pass that repairs them says "repair after scrub". Thread-safe.</summary>
internal sealed class ScrubFindings
{
    private readonly ConcurrentDictionary<long, bool> _chunks = new();

    /// <summary>Remembers that the scrubber reported <paramref name="chunkId"/> corrupt.</summary>
    public void Add(long chunkId) => _chunks[chunkId] = true;

    /// <summary>Whether the scrubber reported <paramref name="chunkId"/> corrupt (forgetting it).</summary>
    public bool TryTake(long chunkId) => _chunks.TryRemove(chunkId, out _);
}
