using ReplicaFs.Contracts.Chunks;

namespace ReplicaFs.Api.Data.Storage;

/// <summary>
/// The in-memory index of what is on disk: key → versions with length and recorded checksum, plus running totals.
/// Built at start from the chunk headers; <see cref="ChunkStore"/> updates it after each rename or unlink while it
/// holds the key's lock, so that it never claims a file that is not in place. All members are thread-safe.
/// </summary>
internal sealed class ChunkIndex
{
    /// <summary>Sorts after every valid key (they are at most 64 characters, all below '~').</summary>
    private static readonly string MaxKey = new('~', ChunkKey.MaxLength + 1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedList<long, StoredVersion>> _byKey = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _keys = new(StringComparer.Ordinal);
    private long _count;
    private long _bytes;

    /// <summary>Chunk versions stored.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Payload bytes stored.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Adds or replaces a version; returns whether the version was already there.</summary>
    public bool Set(string key, StoredVersion stored)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var versions))
            {
                versions = [];
                _byKey.Add(key, versions);
                _keys.Add(key);
            }

            var existed = versions.TryGetValue(stored.Version, out var previous);
            if (existed)
            {
                _bytes -= previous.Length;
            }
            else
            {
                _count++;
            }

            versions[stored.Version] = stored;
            _bytes += stored.Length;
            return existed;
        }
    }

    /// <summary>Removes a version; returns whether it was there.</summary>
    public bool Remove(string key, long version)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(key, out var versions) || !versions.Remove(version, out var removed))
            {
                return false;
            }

            _count--;
            _bytes -= removed.Length;
            if (versions.Count == 0)
            {
                _byKey.Remove(key);
                _keys.Remove(key);
            }

            return true;
        }
    }

    /// <summary>A given version, or the newest one when <paramref name="version"/> is null.</summary>
    public bool TryGet(string key, long? version, out StoredVersion stored)
    {
        lock (_gate)
        {
            stored = default;
            if (!_byKey.TryGetValue(key, out var versions) || versions.Count == 0)
            {
                return false;
            }

            if (version is { } wanted)
            {
                return versions.TryGetValue(wanted, out stored);
            }

            stored = versions.GetValueAtIndex(versions.Count - 1);
            return true;
        }
    }

    /// <summary>Every stored version of <paramref name="key"/>, ascending.</summary>
    public long[] Versions(string key)
    {
        lock (_gate)
        {
            return _byKey.TryGetValue(key, out var versions) ? [.. versions.Keys] : [];
        }
    }

    /// <summary>Forgets everything (the files are gone).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _byKey.Clear();
            _keys.Clear();
            _count = 0;
            _bytes = 0;
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> chunk versions ordered by key then version, starting after
    /// (<paramref name="afterKey"/>, <paramref name="afterVersion"/>); a null version skips every version of the key.
    /// </summary>
    public (List<StoredChunk> Page, bool More) Page(string? afterKey, long? afterVersion, int limit)
    {
        var (entries, more) = Entries(afterKey, afterVersion, limit);
        return ([.. entries.Select(e => new StoredChunk(e.Key, e.Stored.Version, e.Stored.Length, ChunkChecksum.Format(e.Stored.Checksum)))], more);
    }

    /// <summary>Like <see cref="Page"/>, with the whole index entry of each version.</summary>
    public (List<(string Key, StoredVersion Stored)> Entries, bool More) Entries(string? afterKey, long? afterVersion, int limit)
    {
        var page = new List<(string Key, StoredVersion Stored)>(Math.Min(limit, 1024));
        lock (_gate)
        {
            IEnumerable<string> keys = afterKey is null ? _keys : _keys.GetViewBetween(afterKey, MaxKey);
            foreach (var key in keys)
            {
                var versions = _byKey[key];
                foreach (var (version, stored) in versions)
                {
                    if (key == afterKey && (afterVersion is null || version <= afterVersion))
                    {
                        continue;
                    }

                    if (page.Count == limit)
                    {
                        return (page, true);
                    }

                    page.Add((key, stored));
                }
            }
        }

        return (page, false);
    }
}
